#!/usr/bin/env bash
# The downstream benchmark of issue #6 on SynthActions `standard`: the demo's
# story (tools/misc/run_demo.sh) on the 200 / 50 / 50 untrimmed videos of
# 20-90 s, with TSP without GVF as a fourth encoder and 3 localizer seeds.
#
# Budget for 2 CPU cores (about 1 h on an idle machine):
# - the `standard` videos (counts, lengths, instances) at 86x64 pixels
#   instead of 172x128: the SynthActions encoders resize frames to a short
#   side of 64 anyway, and decoding the large frames made feature
#   extraction decode-bound (3.7x slower per clip than `small`);
# - the initial encoder is the TAC model of `make demo` (SynthActions
#   `small` trimmed split; run the demo first), set TAC_CKPT= (empty) to
#   train one on the `standard` trimmed split instead (step 2, +20 min);
# - TSP, TSP w/o GVF and TAC on target run 4 epochs (`small`: 6, same rates,
#   cosine over 3 epochs after the warm-up) and draw one clip per segment
#   and epoch (`small`: 5), validating on one;
# - the features are extracted every 32 sampled frames (2.1 s; `small`: 16).
# The localizer trains on the training videos and is tested on the testing
# ones. Override any of it through the environment variables of run_demo.sh.
# Resumable like the demo.
set -euo pipefail
cd "$(dirname "$0")/../.."
export PRESET=${PRESET:-standard}
export DATA=${DATA:-data/synthactions-$PRESET-86x64}
export GEN_OPTS=${GEN_OPTS---cfg-options height=64 width=86}
export WORK=${WORK:-work_dirs/synthactions-$PRESET}
export SEEDS=${SEEDS:-3}
export NOGVF=${NOGVF:-1}
export TAC_CKPT=${TAC_CKPT-work_dirs/demo/tac/best.pth}
export LOC_CFG=${LOC_CFG:-configs/localizer/localizer-fpn1d_r2plus1d-18-w16_tsp-pre_1xb8-80e_synthactions-standard.py}
export EXTRACT_ARGS=${EXTRACT_ARGS:---stride 32}
export TARGET_OPTS=${TARGET_OPTS:-train_cfg.max_epochs=4 param_scheduler.1.T_max=3 param_scheduler.1.end=4 train_dataloader.dataset.clips_per_segment=1 val_dataloader.dataset.clips_per_segment=1}
export PORT=${PORT:-29527}
if [ -n "$TAC_CKPT" ] && [ ! -f "$TAC_CKPT" ]; then
    echo "no initial TAC checkpoint $TAC_CKPT: run 'make demo' first, or set" \
         "TAC_CKPT=PATH (or TAC_CKPT= to train one on $PRESET)" >&2
    exit 1
fi
exec bash tools/misc/run_demo.sh
