#!/usr/bin/env bash
# The demo behind `make demo`, on SynthActions `small`:
#   1. generate the data set (real H.264 videos)
#   2. TAC initialisation: a narrow R(2+1)D-18 trained from scratch on the
#      trimmed split (the Kinetics analogue), 2 CPU processes
#   3. the global video features of the untrimmed videos with that encoder
#   4. TSP on the untrimmed split, from the TAC encoder
#   5. TAC on the target (untrimmed) split, from the TAC encoder
#   6. features of the three encoders -> the localizer -> one table of
#      downstream mAP / AUC comparing TAC-init, TAC-on-target and TSP
# Every step resumes: re-running skips what is finished.
set -euo pipefail
cd "$(dirname "$0")/../.."
DATA=${DATA:-data/synthactions-small}
WORK=${WORK:-work_dirs/demo}
NPROC=${NPROC:-2}
SEEDS=${SEEDS:-1}
PYTHON=${PYTHON:-python}
export PYTHON
start=$(date +%s)
step() { echo; echo "== [$1/6] $2 ($(( $(date +%s) - start )) s)"; }

# the best checkpoint of a work dir (by mean_acc), as a stable path
best() {
    local ckpt
    ckpt=$(ls -t "$1"/best_mean_acc_epoch_*.pth 2>/dev/null | head -n1)
    [ -n "$ckpt" ] || { echo "no best checkpoint in $1" >&2; exit 1; }
    ln -sf "$(basename "$ckpt")" "$1/best.pth"
    echo "$1/best.pth"
}
# train CONFIG WORK_DIR [cfg-options...]: skip when finished, resume if cut
train() {
    local config=$1 work_dir=$2; shift 2
    local epochs
    epochs=$("$PYTHON" -c "from mmengine.config import Config; print(Config.fromfile('$config').train_cfg.max_epochs)")
    if [ -f "$work_dir/epoch_$epochs.pth" ]; then
        echo "already trained: $work_dir"; return
    fi
    local resume=()
    if ls "$work_dir"/epoch_*.pth >/dev/null 2>&1; then resume=(--resume); fi
    PORT=${PORT:-29517} bash tools/dist_train.sh "$config" "$NPROC" \
        --work-dir "$work_dir" "${resume[@]}" --cfg-options "$@"
}

TAC_CFG=configs/tac/tac_r2plus1d-18-w16_scratch-pre_2xb8-16x2-8e_synthactions-small.py
TSP_CFG=configs/tsp/tsp_r2plus1d-18-w16_synthtac-pre_2xb8-16x2-6e_synthactions-small.py
TACT_CFG=configs/tac/tac_r2plus1d-18-w16_synthtac-pre_2xb8-16x2-6e_synthactions-small.py
LOC_CFG=configs/localizer/localizer-fpn1d_r2plus1d-18-w16_tsp-pre_1xb4-40e_synthactions-small.py
UNTRIMMED=(
    "train_dataloader.dataset.ann_file=$DATA/untrimmed/annotations/synthactions_train_tsp_groundtruth.csv"
    "train_dataloader.dataset.data_prefix.video=$DATA/untrimmed/videos"
    "train_dataloader.dataset.action_label_mapping=$DATA/untrimmed/annotations/synthactions_action_label_mapping.json"
    "val_dataloader.dataset.ann_file=$DATA/untrimmed/annotations/synthactions_valid_tsp_groundtruth.csv"
    "val_dataloader.dataset.data_prefix.video=$DATA/untrimmed/videos"
    "val_dataloader.dataset.action_label_mapping=$DATA/untrimmed/annotations/synthactions_action_label_mapping.json"
)
GVF=$DATA/gvf/tac_r2plus1d-18-w16_max.h5

step 1 "SynthActions small -> $DATA"
"$PYTHON" tools/data/generate_synthetic.py "$DATA" --preset small --seed 0

step 2 "TAC initialisation on the trimmed split ($NPROC CPU processes)"
train "$TAC_CFG" "$WORK/tac" \
    "train_dataloader.dataset.dataset.ann_file=$DATA/trimmed/train_list.txt" \
    "train_dataloader.dataset.dataset.data_prefix.video=$DATA/trimmed/videos" \
    "val_dataloader.dataset.ann_file=$DATA/trimmed/val_list.txt" \
    "val_dataloader.dataset.data_prefix.video=$DATA/trimmed/videos"
TAC_CKPT=$(best "$WORK/tac")

step 3 "global video features with the TAC encoder -> $GVF"
if [ ! -f "$GVF" ]; then
    "$PYTHON" tools/precompute_gvf.py "$TSP_CFG" "$TAC_CKPT" --out "$GVF" \
        --cfg-options "${UNTRIMMED[@]}"
fi

step 4 "TSP on the untrimmed split, from the TAC encoder"
train "$TSP_CFG" "$WORK/tsp" "model.init_cfg.checkpoint=$TAC_CKPT" \
    "${UNTRIMMED[@]}" "train_dataloader.dataset.gvf_file=$GVF" \
    "val_dataloader.dataset.gvf_file=$GVF"
TSP_CKPT=$(best "$WORK/tsp")

step 5 "TAC on the target (untrimmed) split, from the TAC encoder"
train "$TACT_CFG" "$WORK/tac_target" "model.init_cfg.checkpoint=$TAC_CKPT" \
    "${UNTRIMMED[@]}"
TACT_CKPT=$(best "$WORK/tac_target")

step 6 "features -> localizer -> downstream table ($SEEDS seed(s))"
"$PYTHON" tools/benchmark_pretraining.py "$LOC_CFG" \
    --encoders "tac-init=$TAC_CFG:$TAC_CKPT" \
    "tac-on-target=$TACT_CFG:$TACT_CKPT" "tsp=$TSP_CFG:$TSP_CKPT" \
    --video-dir "$DATA/untrimmed/videos" \
    --ann-file "$DATA/untrimmed/annotations/synthactions.json" \
    --class-index "$DATA/untrimmed/annotations/class_index.json" \
    --num-seeds "$SEEDS" --jobs 2 --work-dir "$WORK/benchmark"

echo
echo "== pretext accuracies (validation, per epoch)"
"$PYTHON" tools/analysis_tools/summarize_runs.py "$WORK/tac" "$WORK/tsp" \
    "$WORK/tac_target"
echo "== demo finished in $(( $(date +%s) - start )) s"
