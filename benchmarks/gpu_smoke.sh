#!/usr/bin/env bash
# GPU smoke test and throughput of the paper TSP recipe (R(2+1)D-34,
# configs/tsp/tsp_r2plus1d-34_k400-pre_2xb32-16x2-8e_activitynet.py) on one
# CUDA device, on generated SynthActions `tiny` videos:
#
#   bash benchmarks/gpu_smoke.sh [OUT_DIR]        # default: a new /tmp folder
#
#   a. tools/data/generate_synthetic.py OUT_DIR/data --preset tiny (8 videos);
#      the GVF of TSP from the random-weight encoder (tools/extract_features.py
#      then tools/precompute_gvf.py --from-features);
#   b. SMOKE_ITERS (30) iterations of tools/train.py --amp with the paper
#      config, its data pointed at those videos by --cfg-options (10 classes,
#      no validation, no initial checkpoint, an iteration-based loop);
#   c. tools/extract_features.py --channels-last --cudnn-benchmark of
#      SMOKE_EXTRACT_VIDEOS (8) videos with the checkpoint of b;
#   d. the R(2+1)D-34 backbone alone, forward + backward on random
#      16 x 112 x 112 clips, in fp32 and in the amp dtype;
#   then prints clips/s and peak GPU memory (torch.cuda.max_memory_allocated)
#   of b, c and d, also written to OUT_DIR/summary.json.
#
# Exit status: 0 when every step ran; 2 when there is no CUDA device (nothing
# is run: a skip, not a pass); anything else: the failing step's.
#
# Environment (defaults in brackets):
#   PYTHON [python]          interpreter
#   SMOKE_BATCH [32]         clips per GPU in b, c, d (the paper config's 32)
#   SMOKE_ITERS [30]         training iterations (b) and timed ones (d, <= 20)
#   SMOKE_WORKERS [6]        DataLoader workers (b) and decoding workers (c)
#   SMOKE_AMP_DTYPE []       bf16 or fp16; empty: tools/train.py's default
#                            (bf16 on GPUs with native bf16, else fp16)
#   SMOKE_CUDNN_BENCHMARK [1] cudnn.benchmark in b, c and d
#   SMOKE_STRIDE [16]        clip stride of the extraction in a and c
#   SMOKE_EXTRACT_VIDEOS [8] videos extracted in c
#   SMOKE_ALLOW_CPU [0]      1: run on the CPU instead of exiting with 2, to
#                            check the plumbing (use e.g. SMOKE_ITERS=1
#                            SMOKE_BATCH=2 SMOKE_STRIDE=64
#                            SMOKE_EXTRACT_VIDEOS=1 SMOKE_WORKERS=1)
# See docs/en/user_guides/training.md#gpu-smoke-test.
set -euo pipefail

cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python}
OUT=${1:-$(mktemp -d "${TMPDIR:-/tmp}/tsptools_gpu_smoke.XXXXXX")}
BATCH=${SMOKE_BATCH:-32}
ITERS=${SMOKE_ITERS:-30}
WORKERS=${SMOKE_WORKERS:-6}
AMP_DTYPE=${SMOKE_AMP_DTYPE:-}
BENCHMARK=${SMOKE_CUDNN_BENCHMARK:-1}
STRIDE=${SMOKE_STRIDE:-16}
NUM_EXTRACT=${SMOKE_EXTRACT_VIDEOS:-8}
CONFIG=configs/tsp/tsp_r2plus1d-34_k400-pre_2xb32-16x2-8e_activitynet.py

if "$PYTHON" -c 'import sys, torch; sys.exit(not torch.cuda.is_available())'
then
    DEVICE=cuda
elif [ "${SMOKE_ALLOW_CPU:-0}" = 1 ]; then
    DEVICE=cpu
    echo "gpu_smoke.sh: no CUDA device; SMOKE_ALLOW_CPU=1: running on the" \
        "CPU (plumbing only: amp is off, the numbers mean nothing)" >&2
else
    echo "gpu_smoke.sh: no CUDA device (torch.cuda.is_available() is" \
        "False): skipped, nothing was run (exit status 2)." \
        "SMOKE_ALLOW_CPU=1 runs the steps on the CPU to check the plumbing." >&2
    exit 2
fi
mkdir -p "$OUT"
echo "gpu_smoke.sh: device $DEVICE, output in $OUT"
cudnn_flag=()
[ "$BENCHMARK" = 1 ] && cudnn_flag=(--cudnn-benchmark)
amp_flag=(--amp)
[ -n "$AMP_DTYPE" ] && amp_flag+=(--amp-dtype "$AMP_DTYPE")

# a. data and GVF ------------------------------------------------------------
DATA=$OUT/data/untrimmed
ANN=$DATA/annotations
echo "== a. SynthActions tiny + GVF"
"$PYTHON" tools/data/generate_synthetic.py "$OUT/data" --preset tiny \
    --no-progress
NUM_CLASSES=$("$PYTHON" -c 'import json, sys; print(len(json.load(open(sys.argv[1]))))' \
    "$ANN/synthactions_action_label_mapping.json")
"$PYTHON" tools/extract_features.py "$CONFIG" none \
    --video-dir "$DATA/videos" --out-dir "$OUT/features_init" \
    --device "$DEVICE" --batch-size "$BATCH" --stride "$STRIDE" \
    --num-workers "$WORKERS" --no-progress \
    --cfg-options model.init_cfg=None
"$PYTHON" tools/precompute_gvf.py --from-features "$OUT/features_init" \
    --out "$OUT/gvf.h5"

# b. training ----------------------------------------------------------------
echo "== b. $ITERS iterations of tools/train.py ${amp_flag[*]}"
"$PYTHON" tools/train.py "$CONFIG" --work-dir "$OUT/train" "${amp_flag[@]}" \
    --cfg-options \
    train_cfg._delete_=True train_cfg.type=IterBasedTrainLoop \
    train_cfg.max_iters="$ITERS" train_cfg.val_interval=1000000000 \
    val_cfg=None val_dataloader=None val_evaluator=None \
    test_cfg=None test_dataloader=None test_evaluator=None \
    model.init_cfg=None model.head.num_classes="$NUM_CLASSES" \
    train_dataloader.batch_size="$BATCH" \
    train_dataloader.num_workers="$WORKERS" \
    train_dataloader.dataset.ann_file="$ANN/synthactions_train_tsp_groundtruth.csv" \
    train_dataloader.dataset.data_prefix.video="$DATA/videos" \
    train_dataloader.dataset.action_label_mapping="$ANN/synthactions_action_label_mapping.json" \
    train_dataloader.dataset.gvf_file="$OUT/gvf.h5" \
    default_hooks.checkpoint.by_epoch=False \
    default_hooks.checkpoint.interval="$ITERS" \
    default_hooks.checkpoint.save_best=None \
    default_hooks.logger.interval=1 \
    log_processor.by_epoch=False log_processor.window_size=1 \
    env_cfg.cudnn_benchmark="$([ "$BENCHMARK" = 1 ] && echo True || echo False)" \
    > "$OUT/train.log" 2>&1 || {
    tail -n 40 "$OUT/train.log"
    echo "gpu_smoke.sh: training failed, see $OUT/train.log" >&2
    exit 1
}
grep -e '^--amp' -e 'Iter(train)' "$OUT/train.log" | tail -n 4
CKPT=$OUT/train/iter_$ITERS.pth
test -f "$CKPT" || { echo "gpu_smoke.sh: no checkpoint $CKPT" >&2; exit 1; }

# c. extraction --------------------------------------------------------------
echo "== c. tools/extract_features.py --channels-last ${cudnn_flag[*]}"
find "$DATA/videos" -name '*.mp4' | sort > "$OUT/videos.txt"
head -n "$NUM_EXTRACT" "$OUT/videos.txt" > "$OUT/extract_list.txt"
"$PYTHON" tools/extract_features.py "$CONFIG" "$CKPT" \
    --video-list "$OUT/extract_list.txt" --out-dir "$OUT/features" \
    --device "$DEVICE" --batch-size "$BATCH" --stride "$STRIDE" \
    --num-workers "$WORKERS" --channels-last "${cudnn_flag[@]}" \
    --cfg-options model.init_cfg=None model.head.num_classes="$NUM_CLASSES" \
    2>&1 | tee "$OUT/extract.log"

# d. backbone alone, then the summary -----------------------------------------
echo "== d. backbone forward + backward alone"
"$PYTHON" - "$OUT" "$CONFIG" "$DEVICE" "$BATCH" "$ITERS" "$BENCHMARK" \
    "$AMP_DTYPE" <<'EOF'
import glob
import json
import re
import statistics
import sys
import time

import torch
from mmengine.config import Config

from tsptools.registry import MODELS
from tsptools.utils import AMP_DTYPES, default_amp_dtype, register_all_modules

out, config, device, batch, iters, benchmark, amp_dtype = sys.argv[1:]
batch, iters = int(batch), int(iters)
cuda = device == 'cuda'
torch.backends.cudnn.benchmark = benchmark == '1'
summary = dict(device=torch.cuda.get_device_name() if cuda else 'cpu',
               torch=torch.__version__, batch=batch, config=config)
amp = re.findall(r'^--amp: (.*)$', open(f'{out}/train.log').read(), re.M)
summary['amp'] = amp[-1] if amp else None


def peak_mib():
    return torch.cuda.max_memory_allocated() / 2**20 if cuda else None


# b: per-iteration times of the training log (logger interval 1, window 1)
rows = []
for path in sorted(glob.glob(f'{out}/train/*/vis_data/scalars.json')):
    with open(path) as f:
        rows += [r for r in map(json.loads, f) if 'time' in r]
skip = min(5, len(rows) - 1)  # warm-up (cuDNN autotuning, first batches)
times = [r['time'] for r in rows[skip:]]
memory = [r['memory'] for r in rows if 'memory' in r]
summary['train'] = dict(
    iterations=len(rows), timed=len(times),
    clips_per_s=batch / statistics.median(times),
    data_time_s=statistics.median(r['data_time'] for r in rows[skip:]),
    peak_mib=max(memory) if memory else None)

# c: the progress line and peak memory of the extraction
log = open(f'{out}/extract.log').read()
rates = re.findall(r'(\d+) clips, ([\d.]+) clips/s', log)
peaks = re.findall(r'peak GPU memory: (\d+) MiB', log)
summary['extract'] = dict(
    clips=int(rates[-1][0]) if rates else None,
    clips_per_s=float(rates[-1][1]) if rates else None,
    peak_mib=float(peaks[-1]) if peaks else None)

# d: the backbone alone
register_all_modules()
backbone = MODELS.build(Config.fromfile(config).model.backbone)
backbone = backbone.to(device).train()
clips = torch.randn(batch, 3, 16, 112, 112, device=device)
dtypes = ['fp32']
if cuda:
    dtypes.append(amp_dtype or default_amp_dtype())
steps = min(iters, 20)
for name in dtypes:
    dtype = getattr(torch, AMP_DTYPES[name]) if name in AMP_DTYPES else None

    def step():
        with torch.autocast(device_type=device, dtype=dtype,
                            enabled=dtype is not None):
            feats = backbone(clips)
        feats.float().mean().backward()
        backbone.zero_grad(set_to_none=True)

    for _ in range(3 if cuda else 0):
        step()
    if cuda:
        torch.cuda.synchronize()
        torch.cuda.reset_peak_memory_stats()
    start = time.perf_counter()
    for _ in range(steps):
        step()
    if cuda:
        torch.cuda.synchronize()
    seconds = time.perf_counter() - start
    summary[f'backbone_{name}'] = dict(
        clips_per_s=batch * steps / seconds, peak_mib=peak_mib())

with open(f'{out}/summary.json', 'w') as f:
    json.dump(summary, f, indent=2)


def fmt(entry):
    rate = entry.get('clips_per_s')
    peak = entry.get('peak_mib')
    return ('n/a' if rate is None else f'{rate:8.1f} clips/s') + \
        ('' if peak is None else f', peak GPU memory {peak:8.0f} MiB')


print(f"\ngpu_smoke summary: {summary['device']}, torch {summary['torch']}, "
      f'{batch} clips of 16 x 112 x 112 per batch')
train = summary['train']
print(f"  amp: {summary['amp']}")
print(f"  training (tools/train.py --amp, median of {train['timed']} of "
      f"{train['iterations']} iterations, data wait "
      f"{train['data_time_s']:.3f} s/iter): {fmt(train)}")
print(f"  extraction ({summary['extract']['clips']} clips, --channels-last): "
      f"{fmt(summary['extract'])}")
for name in dtypes:
    print(f'  backbone forward+backward {name:>4}: '
          f"{fmt(summary[f'backbone_{name}'])}")
print(f'  written to {out}/summary.json')
EOF
