# reward-service (port 8081): CUDA image. Build from the repository root:
#   docker build -f deploy/docker/reward-service-cuda.Dockerfile -t ugda/reward-service:cuda .
# DJL 0.36.0 loads PyTorch 2.7.1 (root pom: djl.version, pytorch.native.version); its pytorch-jni
# 2.7.1-0.36.0 jar on Maven Central already carries the cu128 JNI glue (jnilib/linux-x86_64/cu128),
# but the CUDA libtorch itself is not on Maven Central: it comes from PyTorch's own download server
# (the official libtorch 2.7.1+cu128 zip), pinned by version and checked against LIBTORCH_SHA256
# when that build argument is given. Never built here: these machines have no Docker engine and no GPU.

FROM eclipse-temurin:17-jdk AS build
WORKDIR /src
COPY . .
RUN ./mvnw -B -q -pl reward-service -am package -DskipTests \
 && cp reward-service/target/ugda-reward-service-*-exec.jar /tmp/app.jar \
 && java -Djarmode=tools -jar /tmp/app.jar extract --layers --launcher --destination /layers

FROM eclipse-temurin:17-jdk AS libtorch
ARG LIBTORCH_URL=https://download.pytorch.org/libtorch/cu128/libtorch-cxx11-abi-shared-with-deps-2.7.1%2Bcu128.zip
ARG LIBTORCH_SHA256=
RUN apt-get update \
 && apt-get install -y --no-install-recommends curl unzip \
 && rm -rf /var/lib/apt/lists/* \
 && curl -fsSL -o /tmp/libtorch.zip "$LIBTORCH_URL" \
 && if [ -n "$LIBTORCH_SHA256" ]; then echo "$LIBTORCH_SHA256  /tmp/libtorch.zip" | sha256sum -c -; fi \
 && unzip -q /tmp/libtorch.zip -d /opt \
 && rm /tmp/libtorch.zip \
 && test -f /opt/libtorch/lib/libtorch_cuda.so

FROM nvidia/cuda:12.8.1-cudnn-runtime-ubuntu24.04
RUN apt-get update \
 && apt-get install -y --no-install-recommends openjdk-17-jre-headless curl \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --system --gid 10001 ugda \
 && useradd --system --uid 10001 --gid ugda --home-dir /app --shell /usr/sbin/nologin ugda \
 && mkdir -p /app /var/lib/ugda /var/cache/djl \
 && chown ugda:ugda /app /var/lib/ugda /var/cache/djl
COPY --from=libtorch /opt/libtorch /opt/libtorch
WORKDIR /app
COPY --from=build --chown=ugda:ugda /layers/dependencies/ ./
COPY --from=build --chown=ugda:ugda /layers/spring-boot-loader/ ./
COPY --from=build --chown=ugda:ugda /layers/snapshot-dependencies/ ./
COPY --from=build --chown=ugda:ugda /layers/application/ ./
# DJL takes libtorch from PYTORCH_LIBRARY_PATH (the CUDA build above) and the cu128 JNI from the jar;
# ugda.device=cuda makes a missing GPU a start-up error instead of a silent CPU fallback
ENV UGDA_STORAGE_ROOT=/var/lib/ugda \
    UGDA_DEVICE=cuda \
    DJL_OFFLINE=true \
    DJL_CACHE_DIR=/var/cache/djl \
    PYTORCH_LIBRARY_PATH=/opt/libtorch/lib \
    PYTORCH_FLAVOR=cu128 \
    LD_LIBRARY_PATH=/opt/libtorch/lib \
    JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=75 -Dai.djl.default_engine=PyTorch"
USER ugda
EXPOSE 8081
# 12 x 15 s before unhealthy: a model service needs its first minutes (compose sets start_period)
HEALTHCHECK --interval=15s --timeout=5s --retries=12 \
  CMD curl -fsS http://localhost:8081/actuator/health/readiness || exit 1
ENTRYPOINT ["java", "org.springframework.boot.loader.launch.JarLauncher"]
