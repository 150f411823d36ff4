#!/usr/bin/env bash
# The demo behind `make demo`: generate SynthActions `small`, then pretrain TAC
# on its trimmed split with two CPU processes, and print the validation
# accuracy. Re-running skips the finished steps (generation resumes; training
# resumes from the last checkpoint).
set -euo pipefail
cd "$(dirname "$0")/../.."
DATA=${DATA:-data/synthactions-small}
WORK=${WORK:-work_dirs/demo}
NPROC=${NPROC:-2}
PYTHON=${PYTHON:-python}
export PYTHON
start=$(date +%s)

echo "== [1/2] SynthActions small -> $DATA"
"$PYTHON" tools/data/generate_synthetic.py "$DATA" --preset small --seed 0

TAC_CFG=configs/tac/tac_r2plus1d-18-w16_scratch-pre_2xb8-16x2-8e_synthactions-small.py
echo "== [2/2] TAC pretraining on the trimmed split ($NPROC CPU processes)"
RESUME=()
if ls "$WORK/tac"/epoch_*.pth >/dev/null 2>&1; then RESUME=(--resume); fi
PORT=${PORT:-29517} bash tools/dist_train.sh "$TAC_CFG" "$NPROC" \
    --work-dir "$WORK/tac" "${RESUME[@]}" \
    --cfg-options "train_dataloader.dataset.dataset.ann_file=$DATA/trimmed/train_list.txt" \
    "train_dataloader.dataset.dataset.data_prefix.video=$DATA/trimmed/videos" \
    "val_dataloader.dataset.ann_file=$DATA/trimmed/val_list.txt" \
    "val_dataloader.dataset.data_prefix.video=$DATA/trimmed/videos"

"$PYTHON" tools/analysis_tools/summarize_runs.py "$WORK/tac"
echo "== demo finished in $(( $(date +%s) - start )) s"
