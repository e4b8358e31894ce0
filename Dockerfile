# One image recipe for every service: docker build --build-arg SERVICE=order-service .
# It expects the jar to be built already (./mvnw package) and never pulls: its base image is
# made offline by docker/build-base-image.sh.
ARG BASE_IMAGE=quorum-commit/jre:bookworm

FROM ${BASE_IMAGE} AS layers
# Labelled so that what the classic builder leaves of this stage can be pruned by label.
LABEL quorum-commit.stage=layers
ARG SERVICE
WORKDIR /build
COPY ${SERVICE}/target/${SERVICE}.jar app.jar
# Spring Boot's layers, least changing first, so a code change rebuilds only the last layer. Extracted to run as a
# plain jar with its libraries beside it, read by the JDK's class loader, as ./run.sh runs it: not through Spring
# Boot's launcher, whose class loader can hang under virtual threads (spring-boot#51463; README, "One known problem").
RUN java -Djarmode=tools -jar app.jar extract --layers --destination extracted

FROM ${BASE_IMAGE}
ARG SERVICE
LABEL org.opencontainers.image.title="${SERVICE}" org.opencontainers.image.source="quorum-commit"
WORKDIR /app
COPY --from=layers /build/extracted/dependencies/ ./
COPY --from=layers /build/extracted/snapshot-dependencies/ ./
COPY --from=layers /build/extracted/application/ ./
# /data belongs to the service's user, so a fresh named volume mounted there does too.
RUN mkdir -p /data && chown app /data
USER app
ENV SERVER_PORT=8080 \
    JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=70 -XX:+ExitOnOutOfMemoryError"
HEALTHCHECK --interval=5s --timeout=3s --start-period=90s --retries=3 \
  CMD curl -fsS "http://127.0.0.1:${SERVER_PORT}/actuator/health/readiness" || exit 1
ENTRYPOINT ["java", "-jar", "app.jar"]
