#!/usr/bin/env bash
# The papers' tables again on SynthActions `standard` (issue #19 item 4): ten
# encoders, one localizer, 3 localizer seeds, one table.
#
#   untrained       the narrow R(2+1)D-18 (base width 16) with its random
#                   initialisation (seed 0): the floor
#   tac-init        the TAC model of `make demo` (SynthActions `small`
#                   trimmed split, the Kinetics-400 analogue); every trained
#                   row below starts from it
#   tac-on-target   TAC on the untrimmed training videos (foreground clips)
#   tsp             TSP (max-pooled GVF of the TAC-init features)
#   tsp-no-gvf      TSP without the GVF
#   tsp-avg-gvf     TSP with the average-pooled GVF (TSP supplement A)
#   tsp-no-action   TSP without the action head, the official definition
#                   (one region head on the clip feature, no GVF)
#   bsp-2stream     TAC-init features (+) BSP features (4-way boundary types
#                   synthesized from the `small` trimmed split), 256-d
#   tsp-bsp         TSP and BSP heads on one backbone
#   pal             PAL on the `small` trimmed split (labels unused)
#
# One budget for every trained row: EPOCHS (4) epochs of exactly BUDGET
# clips through the trained encoder (EpochLengthSampler; default: the
# number of training segments, 1,125 on `standard`, i.e. one clip per
# segment and epoch for TSP), from the TAC-init encoder, with the TSP
# schedule (AdamW, backbone at half the heads' rate, frozen stem, one
# warm-up epoch then cosine), 2 processes x 8 clips. A PAL sample puts 4
# clips through the query encoder, so PAL draws BUDGET / 4 samples an epoch
# (2 processes x 2 samples). TAC on target and BSP draw from more distinct
# clips than BUDGET (clips_per_segment 3, samples_per_video 4) so that no
# sample repeats within an epoch. The checkpoint of the last epoch is
# used for every row (no selection on validation data).
#
# Data: the `standard` videos at 86x64 (as run_synthactions_benchmark.sh);
# BSP and PAL read the `small` trimmed split of `make demo` (the data of
# the TAC initialisation, as the papers pretrain BSP and PAL on Kinetics).
# Features every 32 sampled frames (2.13 s); localizer LOC_CFG.
# Every step resumes: re-running skips what is finished.
#
# Environment (defaults in brackets): PRESET [standard], DATA
# [data/synthactions-$PRESET-86x64], SMALL [data/synthactions-small],
# WORK [work_dirs/papers-table], TAC_CKPT [work_dirs/demo/tac/best.pth],
# NPROC [2], SEED [0] (pretraining and the untrained initialisation),
# SEEDS [3] (localizer), EPOCHS [4], BUDGET [training segments], ROWS [all:
# a space-separated subset of the trained rows to run], LOC_CFG, LOC_OPTS,
# EXTRACT_ARGS ["--stride 32"], PORT [29537], PYTHON [python].
# Results: docs/en/results.md.
set -euo pipefail
cd "$(dirname "$0")/../.."
PRESET=${PRESET:-standard}
DATA=${DATA:-data/synthactions-$PRESET-86x64}
SMALL=${SMALL:-data/synthactions-small}
WORK=${WORK:-work_dirs/papers-table}
TAC_CKPT=${TAC_CKPT:-work_dirs/demo/tac/best.pth}
NPROC=${NPROC:-2}
SEED=${SEED:-0}
SEEDS=${SEEDS:-3}
EPOCHS=${EPOCHS:-4}
EXTRACT_ARGS=${EXTRACT_ARGS:---stride 32}
LOC_CFG=${LOC_CFG:-configs/localizer/localizer-fpn1d_r2plus1d-18-w16_tsp-pre_1xb8-80e_synthactions-standard.py}
read -r -a LOC_OPTS <<< "${LOC_OPTS:-}"
export PORT=${PORT:-29537}
PYTHON=${PYTHON:-python}
export PYTHON
start=$(date +%s)
step() { echo; echo "== [$1/6] $2 ($(( $(date +%s) - start )) s)"; }
source tools/misc/pretraining_steps.sh

if [ ! -f "$TAC_CKPT" ]; then
    echo "no initial TAC checkpoint $TAC_CKPT: run 'make demo' first or set" \
         "TAC_CKPT=PATH" >&2
    exit 1
fi

TAC_CFG=configs/tac/tac_r2plus1d-18-w16_scratch-pre_2xb8-16x2-8e_synthactions-small.py
SUFFIX=r2plus1d-18-w16_synthtac-pre_2xb8-16x2-6e_synthactions-small.py
TSP_CFG=configs/tsp/tsp_$SUFFIX
declare -A CFG=(
    [tac-on-target]=configs/tac/tac_$SUFFIX
    [tsp]=$TSP_CFG
    [tsp-no-gvf]=configs/tsp/tsp-nogvf_$SUFFIX
    [tsp-avg-gvf]=configs/tsp/tsp-avggvf_$SUFFIX
    [tsp-no-action]=configs/tsp/tsp-noaction_$SUFFIX
    [bsp]=configs/bsp/bsp_$SUFFIX
    [tsp-bsp]=configs/bsp/tsp-bsp_$SUFFIX
    [pal]=configs/pal/pal_r2plus1d-18-w16_synthtac-pre_2xb2-16x2-6e_synthactions-small.py
)
TRAINED=(tac-on-target tsp tsp-no-gvf tsp-avg-gvf tsp-no-action bsp tsp-bsp pal)
read -r -a ROWS <<< "${ROWS:-${TRAINED[*]}}"
ANN=$DATA/untrimmed/annotations
FEATURES=$WORK/benchmark/features
GVF_MAX=$DATA/gvf/tac_r2plus1d-18-w16_max.h5
GVF_AVG=$DATA/gvf/tac_r2plus1d-18-w16_avg.h5

step 1 "SynthActions $PRESET (86x64) -> $DATA"
"$PYTHON" tools/data/generate_synthetic.py "$DATA" --preset "$PRESET" \
    --seed 0 --cfg-options height=64 width=86
BUDGET=${BUDGET:-$("$PYTHON" -c "import csv; print(sum(1 for _ in csv.DictReader(open('$ANN/synthactions_train_tsp_groundtruth.csv'))))")}
echo "budget: $EPOCHS epochs x $BUDGET clips"
if [ ! -f "$SMALL/trimmed/train_list.txt" ]; then
    echo "no $SMALL/trimmed/train_list.txt: run 'make demo' first or set" \
         "SMALL=DIR (SynthActions small)" >&2
    exit 1
fi

step 2 "TAC-init features -> max / avg GVF; the untrained encoder"
"$PYTHON" tools/extract_features.py "$TAC_CFG" "$TAC_CKPT" \
    --video-dir "$DATA/untrimmed/videos" --out-dir "$FEATURES/tac-init" \
    $EXTRACT_ARGS
# paths of the untrimmed split, for dataset DS (a config key prefix)
untrimmed() {
    local ds=$1 split=$2
    echo "$ds.ann_file=$ANN/synthactions_${split}_tsp_groundtruth.csv" \
         "$ds.data_prefix.video=$DATA/untrimmed/videos" \
         "$ds.action_label_mapping=$ANN/synthactions_action_label_mapping.json"
}
trimmed() {
    local ds=$1 split=$2
    echo "$ds.ann_file=$SMALL/trimmed/${split}_list.txt" \
         "$ds.data_prefix.video=$SMALL/trimmed/videos"
}
read -r -a TSP_DATA <<< "$(untrimmed train_dataloader.dataset train) \
    $(untrimmed val_dataloader.dataset valid)"
for pool in max avg; do
    gvf=$DATA/gvf/tac_r2plus1d-18-w16_$pool.h5
    [ -f "$gvf" ] || "$PYTHON" tools/precompute_gvf.py "$TSP_CFG" \
        --from-features "$FEATURES/tac-init" --pool "$pool" --out "$gvf" \
        --cfg-options "${TSP_DATA[@]}"
done
UNTRAINED=$WORK/untrained/seed$SEED.pth
if [ ! -f "$UNTRAINED" ]; then
    mkdir -p "$(dirname "$UNTRAINED")"
    "$PYTHON" - "$TAC_CFG" "$UNTRAINED" "$SEED" <<'EOF'
import sys

import torch
from mmengine.config import Config
from mmengine.registry import init_default_scope

from tsptools.registry import MODELS

config, out, seed = sys.argv[1], sys.argv[2], int(sys.argv[3])
init_default_scope('tsptools')
torch.manual_seed(seed)
model = MODELS.build(Config.fromfile(config).model)
model.init_weights()
torch.save(dict(state_dict=model.state_dict(), meta=dict(seed=seed)), out)
print(f'untrained encoder (seed {seed}): {out}')
EOF
fi

step 3 "pretraining: ${ROWS[*]}"
# every row: from TAC-init, EPOCHS epochs of BUDGET clips
common=(
    "model.init_cfg.checkpoint=$TAC_CKPT"
    "train_cfg.max_epochs=$EPOCHS"
    "param_scheduler.1.T_max=$(( EPOCHS - 1 ))"
    "param_scheduler.1.end=$EPOCHS"
    "train_dataloader.sampler.type=EpochLengthSampler"
)
clips() {  # clips per segment of the train / val untrimmed datasets
    echo "$1.dataset.clips_per_segment=$2"
}
for row in "${ROWS[@]}"; do
    opts=("${common[@]}")
    case $row in
        tsp|tsp-no-gvf|tsp-avg-gvf|tsp-no-action|tac-on-target)
            opts+=("${TSP_DATA[@]}" "train_dataloader.sampler.num_samples=$BUDGET"
                   "$(clips val_dataloader 1)")
            case $row in
                tsp) opts+=("train_dataloader.dataset.gvf_file=$GVF_MAX"
                            "val_dataloader.dataset.gvf_file=$GVF_MAX") ;;
                tsp-avg-gvf) opts+=("train_dataloader.dataset.gvf_file=$GVF_AVG"
                                    "val_dataloader.dataset.gvf_file=$GVF_AVG") ;;
            esac
            # TAC on target: 519 action segments on `standard`, 3 clips each
            if [ "$row" = tac-on-target ]; then
                opts+=("$(clips train_dataloader 3)")
            else
                opts+=("$(clips train_dataloader 1)")
            fi ;;
        bsp)
            read -r -a t <<< "$(trimmed train_dataloader.dataset train) \
                $(trimmed val_dataloader.dataset val)"
            opts+=("${t[@]}" "train_dataloader.dataset.samples_per_video=4"
                   "train_dataloader.sampler.num_samples=$BUDGET") ;;
        tsp-bsp)
            read -r -a t <<< "$(untrimmed train_dataloader.dataset.datasets.0 train) \
                $(untrimmed val_dataloader.dataset.datasets.0 valid) \
                $(trimmed train_dataloader.dataset.datasets.1 train) \
                $(trimmed val_dataloader.dataset.datasets.1 val)"
            opts+=("${t[@]}"
                   "train_dataloader.dataset.datasets.0.gvf_file=$GVF_MAX"
                   "val_dataloader.dataset.datasets.0.gvf_file=$GVF_MAX"
                   "train_dataloader.dataset.datasets.0.clips_per_segment=1"
                   "val_dataloader.dataset.datasets.0.clips_per_segment=1"
                   "train_dataloader.dataset.datasets.1.samples_per_video=1"
                   "train_dataloader.sampler.num_samples=$BUDGET") ;;
        pal)
            read -r -a t <<< "$(trimmed train_dataloader.dataset train) \
                $(trimmed val_dataloader.dataset val)"
            opts+=("${t[@]}"
                   "train_dataloader.sampler.num_samples=$(( BUDGET / 4 ))") ;;
        *) echo "unknown row $row" >&2; exit 1 ;;
    esac
    echo "-- $row"
    train "${CFG[$row]}" "$WORK/$row" "${opts[@]}"
done

step 4 "the BSP two-stream encoder (TAC-init + BSP)"
TWO_STREAM=$WORK/bsp-2stream.py
cat > "$TWO_STREAM" <<EOF
# written by tools/misc/run_synthactions_papers_table.sh
_base_ = ['$PWD/configs/bsp/bsp-2stream_r2plus1d-18-w16_scratch-pre_2xb8-16x2-8e_synthactions-small.py']
model = dict(encoders=[
    dict(config='$PWD/$TAC_CFG', checkpoint='$(realpath -ms "$TAC_CKPT")'),
    dict(config='$PWD/${CFG[bsp]}',
         checkpoint='$(realpath -ms "$WORK/bsp/epoch_$EPOCHS.pth")'),
])
EOF

step 5 "features -> localizer -> table ($SEEDS seeds)"
ENCODERS=("untrained=$TAC_CFG:$UNTRAINED" "tac-init=features:$FEATURES/tac-init")
for row in "${ROWS[@]}"; do
    case $row in
        bsp) ENCODERS+=("bsp-2stream=$TWO_STREAM:none") ;;
        *) ENCODERS+=("$row=${CFG[$row]}:$WORK/$row/epoch_$EPOCHS.pth") ;;
    esac
done
"$PYTHON" tools/benchmark_pretraining.py "$LOC_CFG" \
    --encoders "${ENCODERS[@]}" --video-dir "$DATA/untrimmed/videos" \
    --extract-args "$EXTRACT_ARGS" --ann-file "$ANN/synthactions.json" \
    --class-index "$ANN/class_index.json" --num-seeds "$SEEDS" --jobs 2 \
    --work-dir "$WORK/benchmark" \
    ${LOC_OPTS[@]+--cfg-options "${LOC_OPTS[@]}"}
"$PYTHON" tools/analysis_tools/plot_benchmark.py \
    "$WORK/benchmark/benchmark.json" --out "$WORK/benchmark/benchmark.png"

step 6 "pretext accuracies (validation, per epoch)"
RUN_DIRS=()
for row in "${ROWS[@]}"; do RUN_DIRS+=("$WORK/$row"); done
"$PYTHON" tools/analysis_tools/summarize_runs.py "${RUN_DIRS[@]}" \
    --out "$WORK/pretext.json"
echo "== papers' table finished in $(( $(date +%s) - start )) s"
