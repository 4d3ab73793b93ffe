# Container images of the Kowalski services, built from the repository root. One Dockerfile serves
# every service: the build stage compiles all of them once, so the images share its cached layers,
# and the build arguments pick the service.
#
#   docker build --build-arg MODULE=api-service --build-arg HEALTH_PORT=4000 -t kowalski/api-service .
#   docker build --build-arg MODULE=broker-ztf --build-arg HEALTH_PORT=4101 -t kowalski/broker-ztf .
#   docker build --build-arg MODULE=broker-pgir --build-arg HEALTH_PORT=4102 -t kowalski/broker-pgir .
#   docker build --build-arg MODULE=broker-wntr --build-arg HEALTH_PORT=4103 -t kowalski/broker-wntr .
#   docker build --build-arg MODULE=broker-turbo --build-arg HEALTH_PORT=4104 -t kowalski/broker-turbo .
#   docker build --target tool -t kowalski/ingest-catalog .
#
# HEALTH_PORT is the port of the service's Actuator endpoints: server.port for the API and
# brokers.<SURVEY>.management_port for a broker, as config.defaults.yaml sets them. `make docker_build`
# builds the images that docker-compose.yaml lists, with these arguments.
#
# NOTE: the images run on linux/amd64 only, because the build packages the native libraries of the
# ZTF broker's ML runtime (nd4j-native) for linux-x86_64 alone.

ARG VERSION=3.0.0-SNAPSHOT

FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /build

# The poms alone first: the next RUN downloads every dependency and plugin, and its layer stays cached
# until a pom changes. Maven reads the pom of every module the root pom lists, built here or not.
COPY pom.xml ./
COPY common/pom.xml common/
COPY api-service/pom.xml api-service/
COPY broker-ztf/pom.xml broker-ztf/
COPY broker-pgir/pom.xml broker-pgir/
COPY broker-wntr/pom.xml broker-wntr/
COPY broker-turbo/pom.xml broker-turbo/
COPY ingest-catalog/pom.xml ingest-catalog/
COPY launcher/pom.xml launcher/
COPY deploy/pom.xml deploy/
COPY bench/pom.xml bench/
ENV SERVICE_MODULES=api-service,broker-ztf,broker-pgir,broker-wntr,broker-turbo,ingest-catalog
RUN mvn -B -q -pl "${SERVICE_MODULES}" -am -DskipTests package

COPY common/src common/src
COPY api-service/src api-service/src
COPY broker-ztf/src broker-ztf/src
COPY broker-pgir/src broker-pgir/src
COPY broker-wntr/src broker-wntr/src
COPY broker-turbo/src broker-turbo/src
COPY ingest-catalog/src ingest-catalog/src
RUN mvn -B -q -pl "${SERVICE_MODULES}" -am -DskipTests clean package


# What every image shares: a JRE, curl for the health check, the configuration, and a user without root.
FROM eclipse-temurin:17-jre AS runtime
RUN apt-get update \
    && apt-get install -y --no-install-recommends curl \
    && rm -rf /var/lib/apt/lists/* \
    && groupadd --system --gid 10001 kowalski \
    && useradd --system --uid 10001 --gid kowalski --home-dir /kowalski --no-create-home \
        --shell /usr/sbin/nologin kowalski
WORKDIR /kowalski
# docker.yaml points the services at the compose services mongo and kafka and clears every secret of
# the defaults, so the secrets come from the environment only. A config.yaml mounted at
# /kowalski/config.yaml overrides both files.
COPY config.defaults.yaml docker.yaml ./
# models/ receives the ZTF broker's ML models: the broker downloads a missing model from its url at
# start, or the folder is mounted with the files in place.
RUN mkdir -p data logs models && chown kowalski:kowalski data logs models
ENV KOWALSKI_CONFIG_DIR=/kowalski \
    KOWALSKI_CONFIG_FILES=docker.yaml,config.yaml


# The catalog ingestion command: it runs to completion, so it has no health check.
FROM runtime AS tool
ARG VERSION
COPY --from=build /build/ingest-catalog/target/ingest-catalog-${VERSION}-exec.jar /kowalski/app.jar
USER kowalski
HEALTHCHECK NONE
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75", "-jar", "/kowalski/app.jar"]


# A long-running service (the API or a broker), the default target.
FROM runtime AS service
ARG VERSION
ARG MODULE
ARG HEALTH_PORT
RUN if [ -z "${MODULE}" ] || [ -z "${HEALTH_PORT}" ]; then \
        echo "Set --build-arg MODULE=<service module> and --build-arg HEALTH_PORT=<Actuator port>" >&2; \
        exit 1; \
    fi
COPY --from=build /build/${MODULE}/target/${MODULE}-${VERSION}-exec.jar /kowalski/app.jar
ENV HEALTH_PORT=${HEALTH_PORT}
USER kowalski
EXPOSE ${HEALTH_PORT}
HEALTHCHECK --interval=15s --timeout=5s --start-period=120s --retries=4 \
    CMD curl -fsS "http://127.0.0.1:${HEALTH_PORT}/actuator/health" > /dev/null || exit 1
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75", "-jar", "/kowalski/app.jar"]
