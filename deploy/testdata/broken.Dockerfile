# deliberately broken: no tag on the base image, an unknown instruction, a HEALTHCHECK option
FROM eclipse-temurin
RUN apt-get install curl
COPPY app.jar /app.jar
HEALTHCHECK --every=10s CMD curl -f http://localhost:8081/actuator/health/readiness
