#!/usr/bin/env bash
# Proof that a real lab node works on this machine, before the lab itself uses real nodes (issue 13):
# starts a bare lab (`barelb lab up --bare --nodes 1`) for its apiserver, then a network namespace of its
# own on the lab's segment with containerd and a kubelet in it (started with `nsenter --net=`), imports
# the images of scripts/build-lab-images.sh, and shows:
#   1. the node registers and goes Ready;
#   2. the BareLB image runs as a pod in the speaker's shape (hostNetwork, uid 65532, all capabilities
#      dropped but NET_RAW, no privilege escalation, read-only root, RuntimeDefault seccomp) and prints
#      `barelb --version`;
#   3. a podserver pod runs on the node's pod network (bridge CNI) and answers from its pod IP.
# Everything it made goes away at the end, also on failure: pods, kubelet, containerd and its shims, the
# containers (every process in the node's cgroup root), mounts under its directory, cgroup
# directories, its namespace and the lab.
#
#   sudo scripts/try-real-node.sh            (as root; builds binaries and images first if missing)
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
cd "$here"

progress_tag=try-real-node
# shellcheck source=scripts/progress.sh
source scripts/progress.sh
started=$SECONDS
stamp() { log "$* (+$((SECONDS - started)) s)"; }

bin_dir=$(scripts/build-lab-binaries.sh)
# The images as last built (a source change rebuilds BareLB's image, which takes minutes): built here
# only when there are none yet. Run scripts/build-lab-images.sh first to try the current tree.
images="${BARELB_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/barelb}/images"
[[ -f "$images/images.tsv" ]] || images=$(scripts/build-lab-images.sh)
image_ref() { awk -F'\t' -v n="$1" '$1 == n { print $2 }' "$images/images.tsv"; }
image_archive() { awk -F'\t' -v n="$1" '$1 == n { print $3 }' "$images/images.tsv"; }

# A unique prefix: two runs (or two engineers) never share a name, a directory or a cgroup.
prefix="brn$$"
node="$prefix"
ns="$prefix-node"
work="$here/.barelb/try-real-node/$prefix"
lab_state="$work/lab"
cgroup_root="/$prefix"
kubectl=("$bin_dir/kubectl")
containerd_pid="" kubelet_pid="" lab_up=false

in_ns() { nsenter --net="/var/run/netns/$ns" "$@"; }

# SIGTERM, then SIGKILL after $2 seconds. The kubelet and containerd are started as `nsenter ... &`, and
# nsenter execs them, so $! is their own pid.
stop_pid() {
  local pid=$1 grace=$2
  kill "$pid" 2>/dev/null || return 0
  for _ in $(seq $((grace * 5))); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.2; done
  kill -9 "$pid" 2>/dev/null
  wait "$pid" 2>/dev/null
}

cleanup() {
  local rc=$?
  set +e
  stamp "cleaning up (exit $rc)"
  if [[ -n "$kubelet_pid" && -f "$lab_state/kubeconfig" ]]; then
    # Pods first, while the kubelet runs: it stops their sandboxes through the CRI (CNI DEL, netns gone).
    timeout 60 "${kubectl[@]}" delete pod --all --grace-period=1 --wait=true >/dev/null 2>&1
  fi
  [[ -n "$kubelet_pid" ]] && stop_pid "$kubelet_pid" 10
  # What is left of the containers: every process in the node's cgroup root.
  local pids
  pids=$(npx tsx --eval "import('./src/lab/cluster/node-runtime-files.ts').then(async (m) => console.log((await m.cgroupRootProcesses('$cgroup_root')).join(' ')))" 2>/dev/null)
  [[ -n "$pids" ]] && kill -9 $pids 2>/dev/null
  # This containerd's shims: they carry its socket path, unique to this run.
  local sock="$work/node/containerd/state/containerd.sock"
  for pid in $(pgrep -f -- "-address $sock" || true); do kill -9 "$pid" 2>/dev/null; done
  [[ -n "$containerd_pid" ]] && stop_pid "$containerd_pid" 10
  # Mounts under this run's directory (pod netns, shm, rootfs, projected volumes), deepest first.
  findmnt -rn -o TARGET | grep -F "$work/" | sort -r | while read -r m; do umount -l "$m" 2>/dev/null; done
  npx tsx --eval "import('./src/lab/cluster/node-runtime-files.ts').then((m) => m.removeCgroupRoot('$cgroup_root'))" 2>/dev/null
  ip netns del "$ns" 2>/dev/null
  if $lab_up; then npx tsx src/cli/main.ts lab down --state-dir "$lab_state" >/dev/null 2>&1; fi
  rm -rf "$work"
  local left
  left=$( (findmnt -rn -o TARGET | grep -F "$work/"; ip netns list | grep -F "$prefix"; ls -d /sys/fs/cgroup/*/"$prefix" 2>/dev/null) || true)
  [[ -n "$left" ]] && log "left behind: $left"
  stamp "done"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

mkdir -p "$work"
stamp "lab up (bare, one host-process node) for its apiserver"
lab_up=true
npx tsx src/cli/main.ts lab up --bare --nodes 1 --state-dir "$lab_state" >"$work/lab-up.log" 2>&1 ||
  { tail -20 "$work/lab-up.log"; exit 1; }
export KUBECONFIG="$lab_state/kubeconfig"
index=$(node -p "JSON.parse(require('fs').readFileSync('$lab_state/state.json', 'utf8')).index")
b=$((index * 16))
cp_ns="blb$index-cp"
# Lab addresses (src/lab/addressing.ts): the segment 198.18.B.0/23 with the apiserver on .1 and lab
# nodes on .11..; this node takes .200. Pod networks are 198.19.B+n.0/24 for lab node n <= 14; this
# node takes the unused B+15.
node_ip="198.18.$b.200"
pod_cidr="198.19.$((b + 15)).0/24"
pod_gw="198.19.$((b + 15)).1"
stamp "lab $index up; node $node at $node_ip, pods in $pod_cidr"

# The node's namespace on the lab's bridge. Its only routes: the segment, on link, and 198.18.0.0/15 (no
# default route: nothing leaves the lab).
ip netns add "$ns"
ip -n "$cp_ns" link add "$prefix" type veth peer name eth0 netns "$ns"
ip -n "$cp_ns" link set "$prefix" master br0 up
ip -n "$ns" link set lo up
ip -n "$ns" addr add "$node_ip/23" dev eth0
ip -n "$ns" link set eth0 up
in_ns sysctl -q -w net.ipv4.ip_forward=1

stamp "cgroup root $cgroup_root and node files"
npx tsx --eval "import('./src/lab/cluster/node-runtime-files.ts').then((m) => m.createCgroupRoot('$cgroup_root'))"
opts=$(
  node -e '
  const [node, nodeIp, baseDir, cgroupRoot, podCidr, podGateway, sandboxImage, binDir, kubeconfig, ca] = process.argv.slice(1);
  console.log(JSON.stringify({ node, nodeIp, baseDir, cgroupRoot, podCidr, podGateway, podRoutes: ["198.18.0.0/15"],
    sandboxImage, containerdBinDir: binDir, runcPath: "/usr/sbin/runc", cniBinDirs: ["/usr/lib/cni"],
    kubeconfig, clientCaFile: ca }));' \
    "$node" "$node_ip" "$work/node" "$cgroup_root" "$pod_cidr" "$pod_gw" "$(image_ref pause)" "$bin_dir" \
    "$lab_state/kubeconfig-internal" "$lab_state/certs/ca.crt"
)
mapfile -t kubelet_args < <(npx tsx --eval "import('./src/lab/cluster/node-runtime-files.ts').then(async (m) => console.log((await m.writeNodeRuntimeFiles(JSON.parse(process.argv[1]))).join('\n')))" "$opts")
sock="$work/node/containerd/state/containerd.sock"
ctr=("$bin_dir/ctr" --address "$sock" -n k8s.io)

stamp "containerd"
PATH="$bin_dir:$PATH" nsenter --net="/var/run/netns/$ns" "$bin_dir/containerd" --config "$work/node/containerd/config.toml" >"$work/containerd.log" 2>&1 &
containerd_pid=$!
for _ in $(seq 100); do [[ -S "$sock" ]] && "${ctr[@]}" version >/dev/null 2>&1 && break; sleep 0.2; done
"${ctr[@]}" version >/dev/null || { tail -20 "$work/containerd.log"; exit 1; }
stamp "containerd up: $("${ctr[@]}" version | grep -m1 Version | tr -s ' ')"

for name in pause barelb podserver; do
  t=$SECONDS
  "${ctr[@]}" images import --local --platform linux/amd64 --snapshotter native "$(image_archive "$name")" >/dev/null
  stamp "imported $(image_ref "$name") in $((SECONDS - t)) s"
done
"${ctr[@]}" images ls -q | grep -v '^sha256:' | sed 's/^/    /' >&2

stamp "kubelet"
t_kubelet=$SECONDS
nsenter --net="/var/run/netns/$ns" "$bin_dir/kubelet" "${kubelet_args[@]}" >"$work/kubelet.log" 2>&1 &
kubelet_pid=$!
ready=""
for _ in $(seq 120); do
  ready=$("${kubectl[@]}" get node "$node" -o jsonpath='{.status.conditions[?(@.type=="Ready")].status}' 2>/dev/null || true)
  [[ "$ready" == True ]] && break
  kill -0 "$kubelet_pid" 2>/dev/null || { tail -30 "$work/kubelet.log"; exit 1; }
  sleep 1
done
[[ "$ready" == True ]] || { grep -E '^E' "$work/kubelet.log" | tail -20; exit 1; }
stamp "node $node Ready $((SECONDS - t_kubelet)) s after the kubelet started"
"${kubectl[@]}" get node "$node" -o wide >&2

# A pod needs the namespace's ServiceAccount before the apiserver admits it.
for _ in $(seq 30); do "${kubectl[@]}" get serviceaccount default >/dev/null 2>&1 && break; sleep 1; done

stamp "the BareLB image in the speaker's shape: barelb --version"
t=$SECONDS
"${kubectl[@]}" apply -f - >/dev/null <<EOF
apiVersion: v1
kind: Pod
metadata: {name: speaker-shape}
spec:
  nodeName: $node
  hostNetwork: true
  restartPolicy: Never
  automountServiceAccountToken: false
  securityContext: {seccompProfile: {type: RuntimeDefault}}
  containers:
    - name: barelb
      image: $(image_ref barelb)
      imagePullPolicy: Never
      args: [--version]
      securityContext:
        runAsUser: 65532
        runAsGroup: 65532
        runAsNonRoot: true
        privileged: false
        allowPrivilegeEscalation: false
        readOnlyRootFilesystem: true
        capabilities: {drop: [ALL], add: [NET_RAW]}
EOF
phase=""
for _ in $(seq 120); do
  phase=$("${kubectl[@]}" get pod speaker-shape -o jsonpath='{.status.phase}')
  [[ $phase == Succeeded || $phase == Failed ]] && break
  sleep 1
done
stamp "speaker-shape pod: $phase after $((SECONDS - t)) s"
# kubectl logs goes apiserver -> kubelet; the lab's apiserver has no kubelet client certificate yet, so
# fall back to the CRI log file in the node's podLogsDir (its lines carry "<time> <stream> <tag> ").
if ! version=$("${kubectl[@]}" logs speaker-shape 2>"$work/kubectl-logs.err"); then
  log "kubectl logs failed: $(head -c 300 "$work/kubectl-logs.err")"
  version=$(sed -E 's/^[^ ]+ [a-z]+ [FP] //' "$work"/node/pod-logs/default_speaker-shape_*/barelb/0.log)
fi
echo "barelb --version in the pod: $version" >&2
[[ $phase == Succeeded ]] || { "${kubectl[@]}" describe pod speaker-shape | tail -15 >&2; exit 1; }

stamp "podserver on the pod network"
t=$SECONDS
"${kubectl[@]}" apply -f - >/dev/null <<EOF
apiVersion: v1
kind: Pod
metadata: {name: web, labels: {app: web}}
spec:
  nodeName: $node
  automountServiceAccountToken: false
  containers:
    - name: podserver
      image: $(image_ref podserver)
      imagePullPolicy: Never
      env:
        - {name: POD_NAME, valueFrom: {fieldRef: {fieldPath: metadata.name}}}
        - {name: NODE_NAME, valueFrom: {fieldRef: {fieldPath: spec.nodeName}}}
      ports: [{containerPort: 8080}]
      readinessProbe: {httpGet: {path: /healthz, port: 8080}, periodSeconds: 1}
EOF
"${kubectl[@]}" wait --for=condition=Ready pod/web --timeout=120s >/dev/null
pod_ip=$("${kubectl[@]}" get pod web -o jsonpath='{.status.podIP}')
stamp "podserver Ready at $pod_ip after $((SECONDS - t)) s"
answer=$(in_ns curl -s --max-time 5 "http://$pod_ip:8080/")
echo "curl http://$pod_ip:8080/ from the node: $answer" >&2
"${kubectl[@]}" get pods -o wide >&2
[[ $answer == *'"pod":"web"'* ]]
stamp "all shown"
