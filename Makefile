# Kowalski for the JVM: build, run and test targets. `make help` lists them.

MVN ?= mvn -B
JAVA ?= java
LAUNCHER_JAR := launcher/target/kowalski-local.jar
INGEST_JAR := ingest-catalog/target/ingest-catalog-3.0.0-SNAPSHOT-exec.jar
# Debian's docker-compose (1.29) when installed, else the Compose plugin of the Docker CLI.
COMPOSE ?= $(shell if command -v docker-compose >/dev/null 2>&1; then echo docker-compose; else echo docker compose; fi)

.PHONY: help build run test test-real stream ingest bench format docker_build docker_up docker_down docker_test

help: ## List the targets
	@grep -E '^[a-zA-Z_-]+:.*?## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*?## "}; {printf "  %-14s %s\n", $$1, $$2}'

# NOTE: an executable jar whose own module did not change keeps the other modules of its last build
# (the jar plugin and Spring Boot's repackaging both skip it). Rewriting it here instead would break a
# running make run, which reads classes from it while make stream and make ingest build.
build: ## Compile every module and package the jars, without tests
	$(MVN) -q install -DskipTests -Dspotless.check.skip=true

run: build ## Start the embedded store and Kafka, the API on port 4000 and every broker; Ctrl+C stops all
	$(JAVA) -jar $(LAUNCHER_JAR) run

test: ## Run every unit and integration test (embedded store, in-process Kafka) and check formatting
	$(MVN) verify

test-real: ## Run the integration suite against MongoDB and Kafka in Testcontainers (needs a Docker engine)
	@if ! docker info >/dev/null 2>&1; then \
		echo "make test-real needs a running Docker engine for Testcontainers, and none answers here."; \
		exit 1; \
	fi
	$(MVN) verify -Dkowalski.test.real=true

stream: build ## Publish every file of ALERTS (a folder of .avro alerts) to TOPIC: make stream TOPIC=ztf_20200202_programid1 ALERTS=../shared/data/ztf_alerts/20200202
	@test -n "$(TOPIC)" || { echo "Set TOPIC, for example: make stream TOPIC=ztf_20200202_programid1 ALERTS=<folder>"; exit 2; }
	@test -n "$(ALERTS)" || { echo "Set ALERTS to a folder of .avro alert files"; exit 2; }
	$(JAVA) -jar $(LAUNCHER_JAR) stream --topic "$(TOPIC)" --alerts "$(ALERTS)"

ingest: build ## Ingest a catalog: make ingest ARGS="--catalog_name=TEST --path=<file or folder>"
	$(JAVA) -jar $(INGEST_JAR) $(ARGS)

BENCH_JAR := bench/target/kowalski-bench.jar
BENCH_JAVA_OPTS ?= -Xms1g -Xmx6g -XX:+UseParallelGC

bench: ## Run the benchmarks (under 30 minutes on 2 cores) and write docs/benchmarks.md; BENCH_ARGS="--help" lists the sizes
	@# The jar plugin keeps a jar whose module classes did not change, and Spring Boot does not repackage a
	@# repackaged jar, so without this the benchmark would bundle the previous build of the other modules.
	rm -f $(BENCH_JAR)
	$(MVN) -q -pl bench -am package -DskipTests -Dspotless.check.skip=true -Dspring-boot.repackage.skip=false
	$(JAVA) $(BENCH_JAVA_OPTS) -Dkowalski.shared.dir=$(abspath ../shared) -jar $(BENCH_JAR) --command="$(strip make bench $(BENCH_ARGS))" $(BENCH_ARGS)

format: ## Format the Java sources (palantir-java-format through Spotless)
	$(MVN) -q spotless:apply

docker_build: docker-compose.yaml .env ## Build the images of docker-compose.yaml (copy a docker-compose.*.defaults.yaml there first)
	$(COMPOSE) --profile tools build

docker_up: docker-compose.yaml .env ## Start the containers of docker-compose.yaml in the background
	$(COMPOSE) up -d
	@echo "Started. '$(COMPOSE) ps' shows the health of each container; wait until every service is healthy."

docker_down: docker-compose.yaml ## Stop and remove the containers of docker-compose.yaml; the data volumes stay
	$(COMPOSE) down

docker_test: ## Run the deployment tests against the containers that make docker_up started
	$(MVN) -pl deploy -am test -Dtest=RunningDeploymentTest -Dsurefire.failIfNoSpecifiedTests=false -Dkowalski.docker.test=true

docker-compose.yaml:
	@echo "docker-compose.yaml is missing: copy docker-compose.defaults.yaml, docker-compose.fritz.defaults.yaml or docker-compose.traefik.defaults.yaml to it (README.md, section Deployment)"
	@exit 2

.env:
	@echo ".env is missing: copy .env.example to .env and fill in every empty value (README.md, section Deployment)"
	@exit 2
