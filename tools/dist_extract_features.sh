#!/usr/bin/env bash
# Usage: bash tools/dist_extract_features.sh CONFIG CKPT NPROC [extract_features.py args...]
# CKPT "none": a model that loads its own weights (the BSP two-stream encoder).
# e.g.   bash tools/dist_extract_features.sh CONFIG CKPT 2 --video-dir videos --out-dir feats
# Videos are sharded across the NPROC processes (each video done once); rank 0
# merges the manifest. Without CUDA the processes run on CPU with gloo.
# Multi-node: set NNODES, NODE_RANK, MASTER_ADDR and PORT in the environment.
set -e
CONFIG=$1
CHECKPOINT=$2
NPROC=$3
NNODES=${NNODES:-1}
NODE_RANK=${NODE_RANK:-0}
PORT=${PORT:-29500}
MASTER_ADDR=${MASTER_ADDR:-"127.0.0.1"}
PYTHON=${PYTHON:-python}

PYTHONPATH="$(dirname "$0")/..":$PYTHONPATH \
"$PYTHON" -m torch.distributed.run \
    --nnodes="$NNODES" \
    --node_rank="$NODE_RANK" \
    --master_addr="$MASTER_ADDR" \
    --nproc_per_node="$NPROC" \
    --master_port="$PORT" \
    "$(dirname "$0")/extract_features.py" \
    "$CONFIG" \
    "$CHECKPOINT" \
    --launcher pytorch "${@:4}"
