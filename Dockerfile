# syntax=docker/dockerfile:1
# dig-node container image: built from this checkout with the Maven wrapper, run on a Temurin 25 JRE
# as an unprivileged user. See docs/deploy.md.
#
#   docker build -t dig-node .
#   docker run -d -p 8555:8555 -p 9444:9444 -p 9090:9090 -v dig-plots:/plots -v dig-cache:/cache \
#     -v dig-data:/data dig-node
#
# Build arguments let a mirror or a locally made base image stand in for Docker Hub.
ARG BUILD_IMAGE=eclipse-temurin:25-jdk
ARG RUNTIME_IMAGE=eclipse-temurin:25-jre

FROM ${BUILD_IMAGE} AS build
WORKDIR /src
COPY mvnw pom.xml ./
COPY .mvn .mvn
# The POMs (and the .proto files the build generates code from) first: the layer with the plugins and
# dependencies from Maven Central is rebuilt only when one of them changes, not with every source edit.
COPY proptest/pom.xml proptest/
COPY core/pom.xml core/
COPY testkit/pom.xml testkit/
COPY wire/pom.xml wire/
COPY storage/pom.xml storage/
COPY proof/pom.xml proof/
COPY gossip/pom.xml gossip/
COPY service/pom.xml service/
COPY net/pom.xml net/
COPY api/pom.xml api/
COPY node/pom.xml node/
COPY sim/pom.xml sim/
COPY bench/pom.xml bench/
COPY wire/src/main/protobuf wire/src/main/protobuf
RUN ./mvnw -B -q -DskipTests -pl node -am test-compile && rm -rf -- */target
COPY core core
COPY wire wire
COPY storage storage
COPY proof proof
COPY gossip gossip
COPY service service
COPY net net
COPY api api
COPY node node
COPY sim sim
COPY bench bench
COPY testkit testkit
COPY proptest proptest
RUN ./mvnw -B -q -DskipTests -pl node -am package \
    && cp node/target/dig-node.jar /dig-node.jar

FROM ${RUNTIME_IMAGE}
RUN groupadd --system --gid 10001 dig \
    && useradd --system --uid 10001 --gid dig --home-dir /data --shell /usr/sbin/nologin dig \
    && mkdir -p /opt/dig-node /plots /cache /data \
    && chown dig:dig /plots /cache /data
COPY --from=build /dig-node.jar /opt/dig-node/dig-node.jar
ENV DIG_NODE_HOME=/data \
    DIG_NODE_STORAGE_PLOTS_DIR=/plots \
    DIG_NODE_STORAGE_CACHE_DIR=/cache \
    DIG_NODE_MONITORING_LOG_FORMAT=json
USER dig:dig
VOLUME ["/plots", "/cache", "/data"]
# HTTP API, P2P (gossip), /metrics and /health
EXPOSE 8555 9444 9090
# /health over bash's /dev/tcp: the runtime image needs no HTTP client.
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
    CMD ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/9090 && printf 'GET /health HTTP/1.0\\r\\nHost: localhost\\r\\n\\r\\n' >&3 && head -n 1 <&3 | grep -q ' 200 '"]
STOPSIGNAL SIGTERM
ENTRYPOINT ["java", "--enable-native-access=ALL-UNNAMED", "-jar", "/opt/dig-node/dig-node.jar"]
CMD ["start"]
