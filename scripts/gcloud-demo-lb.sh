#!/usr/bin/env bash
# Builds a complete global HTTP load balancer by hand, with plain `gcloud compute` commands, against
# the simulated Compute Engine API: a reserved address, an HTTP health check, one instance group per
# cluster zone (named port http:NODE_PORT, holding that cluster's nodes), a backend service, a URL
# map, a target HTTP proxy and a forwarding rule on port 80. Prints the load balancer's IP last.
#
#   fedsync sim up --world fixtures/worlds/demo.yaml      # in another terminal
#   . .fedsync/sim/gcloud.env && bash scripts/gcloud-demo-lb.sh
#
# Settings (environment): NAME (prefix, default web), NODE_PORT (default 30080), HEALTH_PATH
# (default /healthz), NODES (nodes per cluster, default 3), CLUSTERS ("cluster:zone …", default the
# demo world's three clusters).
set -euo pipefail

: "${CLOUDSDK_API_ENDPOINT_OVERRIDES_COMPUTE:?source gcloud.env from the simulator output first (. .fedsync/sim/gcloud.env)}"
case "$CLOUDSDK_API_ENDPOINT_OVERRIDES_COMPUTE" in
  http://127.0.0.1:*) ;;
  *) echo "refusing to run: CLOUDSDK_API_ENDPOINT_OVERRIDES_COMPUTE is not the local simulator" >&2; exit 1 ;;
esac

NAME=${NAME:-web}
NODE_PORT=${NODE_PORT:-30080}
HEALTH_PATH=${HEALTH_PATH:-/healthz}
NODES=${NODES:-3}
CLUSTERS=${CLUSTERS:-"gce-asia-east1a:asia-east1-a gce-europe-west1b:europe-west1-b gce-us-central1c:us-central1-c"}

gcloud compute addresses create "$NAME-ip" --global
gcloud compute health-checks create http "$NAME-hc" --port="$NODE_PORT" --request-path="$HEALTH_PATH"
gcloud compute backend-services create "$NAME-be" --global --protocol=HTTP --port-name=http --health-checks="$NAME-hc"

for pair in $CLUSTERS; do
  cluster=${pair%%:*}
  zone=${pair#*:}
  instances=$(seq -s, -f "$cluster-node-%g" 1 "$NODES")
  gcloud compute instance-groups unmanaged create "$NAME-ig" --zone="$zone"
  gcloud compute instance-groups set-named-ports "$NAME-ig" --zone="$zone" --named-ports="http:$NODE_PORT"
  gcloud compute instance-groups unmanaged add-instances "$NAME-ig" --zone="$zone" --instances="$instances"
  gcloud compute backend-services add-backend "$NAME-be" --global --instance-group="$NAME-ig" \
    --instance-group-zone="$zone" --balancing-mode=RATE --max-rate-per-instance=100
done

gcloud compute url-maps create "$NAME-um" --default-service="$NAME-be"
gcloud compute target-http-proxies create "$NAME-proxy" --url-map="$NAME-um"
gcloud compute forwarding-rules create "$NAME-fr" --global --address="$NAME-ip" \
  --target-http-proxy="$NAME-proxy" --ports=80
gcloud compute addresses describe "$NAME-ip" --global --format='value(address)'
