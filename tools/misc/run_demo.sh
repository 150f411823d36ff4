#!/usr/bin/env bash
# The demo behind `make demo`, on SynthActions `small`:
#   1. generate the data set (real H.264 videos)
#   2. TAC initialisation: a narrow R(2+1)D-18 trained from scratch on the
#      trimmed split (the Kinetics analogue), 2 CPU processes
#   3. the clip features of the untrimmed videos with that encoder, pooled
#      into the global video features (the same features are the TAC-init
#      row of the table: extracted once)
#   4. TSP on the untrimmed split, from the TAC encoder (and, with
#      NOGVF=1, TSP without the GVF)
#   5. TAC on the target (untrimmed) split, from the TAC encoder
#   6. features of the other encoders -> the localizer -> one table of
#      downstream mAP / AUC comparing TAC-init, TAC-on-target and TSP
#   7. tools/predict.py on one testing video with the TSP encoder and its
#      first localizer run: segments, subtitles and a picture
# Every step resumes: re-running skips what is finished.
#
# Environment (defaults in brackets): PRESET [small], DATA
# [data/synthactions-$PRESET], WORK [work_dirs/demo], NPROC [2], SEEDS [1],
# NOGVF [0], LOC_CFG [the small localizer config], EXTRACT_ARGS ["": the
# encoder configs' clip grid], TAC_OPTS / TARGET_OPTS [""]: more
# --cfg-options of the TAC-init run / of the runs on the untrimmed split,
# LOC_OPTS [""]: of the localizer runs; GEN_OPTS [""]: more flags of
# tools/data/generate_synthetic.py; TAC_CKPT [""]: an initial TAC
# checkpoint to use instead of training one in step 2; SEED [0]: the seed of
# every pretraining run (train.py --seed), so that a fresh run repeats the
# table.
# tools/misc/run_synthactions_benchmark.sh sets them for `standard`.
set -euo pipefail
cd "$(dirname "$0")/../.."
PRESET=${PRESET:-small}
DATA=${DATA:-data/synthactions-$PRESET}
WORK=${WORK:-work_dirs/demo}
NPROC=${NPROC:-2}
SEEDS=${SEEDS:-1}
NOGVF=${NOGVF:-0}
SEED=${SEED:-0}
EXTRACT_ARGS=${EXTRACT_ARGS:-}
read -r -a TAC_OPTS <<< "${TAC_OPTS:-}"
read -r -a TARGET_OPTS <<< "${TARGET_OPTS:-}"
read -r -a LOC_OPTS <<< "${LOC_OPTS:-}"
read -r -a GEN_OPTS <<< "${GEN_OPTS:-}"
read -r -a EXTRACT <<< "$EXTRACT_ARGS"
PYTHON=${PYTHON:-python}
export PYTHON
start=$(date +%s)
step() { echo; echo "== [$1/7] $2 ($(( $(date +%s) - start )) s)"; }

# best(), train(): skip finished runs, resume cut ones
source tools/misc/pretraining_steps.sh

TAC_CFG=configs/tac/tac_r2plus1d-18-w16_scratch-pre_2xb8-16x2-8e_synthactions-small.py
TSP_CFG=configs/tsp/tsp_r2plus1d-18-w16_synthtac-pre_2xb8-16x2-6e_synthactions-small.py
TACT_CFG=configs/tac/tac_r2plus1d-18-w16_synthtac-pre_2xb8-16x2-6e_synthactions-small.py
TSP_NOGVF_CFG=configs/tsp/tsp-nogvf_r2plus1d-18-w16_synthtac-pre_2xb8-16x2-6e_synthactions-small.py
LOC_CFG=${LOC_CFG:-configs/localizer/localizer-fpn1d_r2plus1d-18-w16_tsp-pre_1xb4-80e_synthactions-small.py}
UNTRIMMED=(
    "train_dataloader.dataset.ann_file=$DATA/untrimmed/annotations/synthactions_train_tsp_groundtruth.csv"
    "train_dataloader.dataset.data_prefix.video=$DATA/untrimmed/videos"
    "train_dataloader.dataset.action_label_mapping=$DATA/untrimmed/annotations/synthactions_action_label_mapping.json"
    "val_dataloader.dataset.ann_file=$DATA/untrimmed/annotations/synthactions_valid_tsp_groundtruth.csv"
    "val_dataloader.dataset.data_prefix.video=$DATA/untrimmed/videos"
    "val_dataloader.dataset.action_label_mapping=$DATA/untrimmed/annotations/synthactions_action_label_mapping.json"
)
GVF=$DATA/gvf/tac_r2plus1d-18-w16_max.h5
# the features of every encoder, where benchmark_pretraining.py keeps them
FEATURES=$WORK/benchmark/features

step 1 "SynthActions $PRESET -> $DATA"
"$PYTHON" tools/data/generate_synthetic.py "$DATA" --preset "$PRESET" --seed 0 \
    "${GEN_OPTS[@]}"

if [ -n "${TAC_CKPT:-}" ]; then
    step 2 "TAC initialisation: given, $TAC_CKPT"
else
    step 2 "TAC initialisation on the trimmed split ($NPROC CPU processes)"
    train "$TAC_CFG" "$WORK/tac" \
        "train_dataloader.dataset.dataset.ann_file=$DATA/trimmed/train_list.txt" \
        "train_dataloader.dataset.dataset.data_prefix.video=$DATA/trimmed/videos" \
        "val_dataloader.dataset.ann_file=$DATA/trimmed/val_list.txt" \
        "val_dataloader.dataset.data_prefix.video=$DATA/trimmed/videos" \
        "${TAC_OPTS[@]}"
    TAC_CKPT=$(best "$WORK/tac")
fi

step 3 "TAC-init features of the untrimmed videos -> global video features"
VIDEOS=(--video-dir "$DATA/untrimmed/videos")
"$PYTHON" tools/extract_features.py "$TAC_CFG" "$TAC_CKPT" "${VIDEOS[@]}" \
    --out-dir "$FEATURES/tac-init" "${EXTRACT[@]}"
if [ ! -f "$GVF" ]; then
    "$PYTHON" tools/precompute_gvf.py "$TSP_CFG" \
        --from-features "$FEATURES/tac-init" --out "$GVF" \
        --cfg-options "${UNTRIMMED[@]}"
fi

step 4 "TSP on the untrimmed split, from the TAC encoder"
train "$TSP_CFG" "$WORK/tsp" "model.init_cfg.checkpoint=$TAC_CKPT" \
    "${UNTRIMMED[@]}" "train_dataloader.dataset.gvf_file=$GVF" \
    "val_dataloader.dataset.gvf_file=$GVF" "${TARGET_OPTS[@]}"
TSP_CKPT=$(best "$WORK/tsp")
ENCODERS=("tac-init=features:$FEATURES/tac-init")
if [ "$NOGVF" = 1 ]; then
    train "$TSP_NOGVF_CFG" "$WORK/tsp_nogvf" \
        "model.init_cfg.checkpoint=$TAC_CKPT" "${UNTRIMMED[@]}" \
        "${TARGET_OPTS[@]}"
    NOGVF_ENCODER=("tsp-no-gvf=$TSP_NOGVF_CFG:$(best "$WORK/tsp_nogvf")")
else
    NOGVF_ENCODER=()
fi

step 5 "TAC on the target (untrimmed) split, from the TAC encoder"
train "$TACT_CFG" "$WORK/tac_target" "model.init_cfg.checkpoint=$TAC_CKPT" \
    "${UNTRIMMED[@]}" "${TARGET_OPTS[@]}"
TACT_CKPT=$(best "$WORK/tac_target")

step 6 "features -> localizer -> downstream table ($SEEDS seed(s))"
"$PYTHON" tools/benchmark_pretraining.py "$LOC_CFG" \
    --encoders "${ENCODERS[@]}" \
    "tac-on-target=$TACT_CFG:$TACT_CKPT" "tsp=$TSP_CFG:$TSP_CKPT" \
    "${NOGVF_ENCODER[@]}" \
    "${VIDEOS[@]}" --extract-args "$EXTRACT_ARGS" \
    --ann-file "$DATA/untrimmed/annotations/synthactions.json" \
    --class-index "$DATA/untrimmed/annotations/class_index.json" \
    --num-seeds "$SEEDS" --jobs 2 --work-dir "$WORK/benchmark" \
    ${LOC_OPTS[@]+--cfg-options "${LOC_OPTS[@]}"}

step 7 "tools/predict.py on one testing video (TSP encoder, its localizer)"
LOC_RUN=$WORK/benchmark/runs/tsp/seed0
LOC_CKPT=$("$PYTHON" -c "import json; print(json.load(open('$LOC_RUN/metrics.json'))['checkpoint'])")
read -r TEST_NAME TEST_VIDEO < <("$PYTHON" -c "
import json, os
db = json.load(open('$DATA/untrimmed/annotations/synthactions.json'))['database']
name = sorted(n for n, v in db.items() if v['subset'] == 'testing')[0]
print(name, os.path.join('$DATA/untrimmed/videos', name + '.mp4'))")
"$PYTHON" tools/predict.py "$TEST_VIDEO" --encoder "$TSP_CFG" "$TSP_CKPT" \
    --localizer "$LOC_RUN/$(basename "$LOC_CFG")" "$LOC_CKPT" \
    --class-names "$DATA/untrimmed/annotations/class_index.json" \
    --out "$WORK/predict" --srt --plot --no-progress "${EXTRACT[@]}"
echo "picture: $WORK/predict/$TEST_NAME.png, subtitles: $WORK/predict/$TEST_NAME.srt"

echo
echo "== pretext accuracies (validation, per epoch)"
RUNS=("$WORK/tsp" "$WORK/tac_target")
[ -d "$WORK/tac" ] && RUNS=("$WORK/tac" "${RUNS[@]}")  # not with TAC_CKPT
[ "$NOGVF" = 1 ] && RUNS+=("$WORK/tsp_nogvf")
"$PYTHON" tools/analysis_tools/summarize_runs.py "${RUNS[@]}"
echo "== demo finished in $(( $(date +%s) - start )) s"
