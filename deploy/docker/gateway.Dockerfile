# gateway (port 8080): CPU image. Build from the repository root:
#   docker build -f deploy/docker/gateway.Dockerfile -t ugda/gateway .
# Stage 1 builds the Spring Boot jar with the Maven wrapper on a JDK 17 and extracts its layers.
FROM eclipse-temurin:17-jdk AS build
WORKDIR /src
COPY . .
RUN ./mvnw -B -q -pl gateway -am package -DskipTests \
 && cp gateway/target/ugda-gateway-*-exec.jar /tmp/app.jar \
 && java -Djarmode=tools -jar /tmp/app.jar extract --layers --launcher --destination /layers

# Stage 2 runs it on a JRE 17 as a non-root user, one image layer per Spring Boot layer.
FROM eclipse-temurin:17-jre
RUN apt-get update \
 && apt-get install -y --no-install-recommends curl \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --system --gid 10001 ugda \
 && useradd --system --uid 10001 --gid ugda --home-dir /app --shell /usr/sbin/nologin ugda \
 && mkdir -p /app /var/lib/ugda /var/cache/djl \
 && chown ugda:ugda /app /var/lib/ugda /var/cache/djl
WORKDIR /app
COPY --from=build --chown=ugda:ugda /layers/dependencies/ ./
COPY --from=build --chown=ugda:ugda /layers/spring-boot-loader/ ./
COPY --from=build --chown=ugda:ugda /layers/snapshot-dependencies/ ./
COPY --from=build --chown=ugda:ugda /layers/application/ ./
# DJL never downloads at run time: the CPU libtorch comes from the jar (DESIGN.md section 4)
ENV UGDA_STORAGE_ROOT=/var/lib/ugda \
    DJL_OFFLINE=true \
    DJL_CACHE_DIR=/var/cache/djl \
    JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=75 -Dai.djl.default_engine=PyTorch"
USER ugda
EXPOSE 8080
# 12 x 15 s before unhealthy: a model service needs its first minutes (compose sets start_period)
HEALTHCHECK --interval=15s --timeout=5s --retries=12 \
  CMD curl -fsS http://localhost:8080/actuator/health/readiness || exit 1
ENTRYPOINT ["java", "org.springframework.boot.loader.launch.JarLauncher"]
