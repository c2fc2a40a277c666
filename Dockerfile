# The dekube image: the launcher (services/dekube/target/dekube.jar and its lib/) on a Java 17 JRE.
# Every dekube service of docker-compose.yml runs it with its own command (store, apiserver, kubelet...).
# Build the jar first, on the host (the image does not run Maven):
#   ./mvnw -q -DskipTests -pl services/dekube -am package && docker compose up --build
FROM eclipse-temurin:17-jre

# curl and dig, to reach ClusterIPs, the ingress and the cluster DNS from inside the stack's network
RUN apt-get update && apt-get install -y --no-install-recommends curl dnsutils \
    && rm -rf /var/lib/apt/lists/*

COPY services/dekube/target/lib/ /opt/dekube/lib/
COPY services/dekube/target/dekube.jar /opt/dekube/dekube.jar
COPY k8s-manifests/ /opt/dekube/k8s-manifests/

# the ./dekube script's JVM defaults (a small heap that gives memory back), with a smaller maximum heap
ENV DEKUBE_JAVA_OPTS="-Xms32m -Xmx512m -XX:+UseSerialGC -XX:MinHeapFreeRatio=10 -XX:MaxHeapFreeRatio=30 -XX:TrimNativeHeapInterval=30000"
WORKDIR /var/lib/dekube
ENTRYPOINT ["/bin/sh", "-c", "exec java $DEKUBE_JAVA_OPTS -cp '/opt/dekube/dekube.jar:/opt/dekube/lib/*' io.dekube.launcher.DekubeMain \"$@\"", "dekube"]
CMD ["help"]
