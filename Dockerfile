# Build stage. The Maven wrapper pins the Maven version; the cache mount keeps ~/.m2 between builds (BuildKit).
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY .mvn/ .mvn/
COPY mvnw pom.xml openapi.yaml ./
COPY src/ src/
RUN --mount=type=cache,target=/root/.m2 chmod +x mvnw && ./mvnw -B -DskipTests package

# Runtime stage: JRE only, unprivileged user. The base image ships curl (used by the compose health check).
FROM eclipse-temurin:17-jre
RUN useradd --system --uid 10001 --no-create-home app
WORKDIR /app
COPY --from=build /src/target/inbox-allocation.jar /app/inbox-allocation.jar
USER app
ENV HTTP_PORT=8080
ENV LOG_FORMAT=json
# A capped heap keeps the process small (see README); override at run time if the node is bigger.
ENV JAVA_TOOL_OPTIONS="-Xms64m -Xmx256m -XX:+UseSerialGC"
EXPOSE 8080 9000
# ENTRYPOINT, so that `docker run <image> token --role PLATFORM_ADMIN` reaches the token helper too.
ENTRYPOINT ["java", "-jar", "/app/inbox-allocation.jar"]
