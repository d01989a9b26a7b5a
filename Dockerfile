# Multi-stage build of the uploader image, for machines with a Docker engine. The same image
# (same entrypoint, user and mount points) is built without a daemon by Jib: see the README.
# Both architectures, one reference (the default images are multi-arch; on an amd64 builder the
# arm64 stages run under QEMU, so the class-data archive below is recorded per architecture):
#   docker buildx build --platform linux/amd64,linux/arm64 -t REGISTRY/edge-uploader:TAG --push .
ARG BUILDER_IMAGE=maven:3.9-eclipse-temurin-17
ARG RUNTIME_IMAGE=eclipse-temurin:17-jre

FROM ${BUILDER_IMAGE} AS builder
WORKDIR /src
# Dependencies first: this layer is rebuilt only when a pom changes.
COPY pom.xml ./
COPY uploader/pom.xml uploader/
RUN mvn -B -q -pl uploader -am dependency:go-offline
COPY config/uploader-config.yaml.example config/
COPY uploader/src uploader/src
RUN mvn -B -q -DskipTests -Dmaven.test.skip=true package

FROM ${RUNTIME_IMAGE} AS runtime
RUN groupadd --system --gid 65532 uploader \
 && useradd --system --uid 65532 --gid uploader --home-dir /state --shell /usr/sbin/nologin uploader \
 && mkdir -p /config /data /state \
 && chown uploader:uploader /state
COPY --from=builder /src/uploader/target/uploader.jar /app/uploader.jar
# Class-data sharing: a training run of the demo records the classes the uploader loads, so each
# start maps them from /app/uploader.jsa instead (an empty 'once' 1.1 s -> 0.6 s, bench/run.sh).
# A JVM that cannot use the archive ignores it.
RUN java -XX:ArchiveClassesAtExit=/app/uploader.jsa -XX:+UseSerialGC -jar /app/uploader.jar demo --dir /tmp/cds \
 && rm -rf /tmp/cds
USER 65532:65532
WORKDIR /state
ENV STATE_DIR=/state
# 'run' serves /metrics, /healthz and /readyz here (127.0.0.1 inside the container unless
# METRICS_HOST says otherwise); the health check asks /readyz.
ENV METRICS_PORT=9464
HEALTHCHECK --interval=30s --timeout=10s --start-period=2m \
  CMD ["java", "-XX:TieredStopAtLevel=1", "-cp", "/app/uploader.jar", "io.edgeuploader.cli.ReadyProbe"]
VOLUME ["/config", "/data", "/state"]
ENTRYPOINT ["java", "-XX:SharedArchiveFile=/app/uploader.jsa", "-XX:+UseSerialGC", "-XX:MaxRAMPercentage=60", "-jar", "/app/uploader.jar"]
CMD ["--help"]
