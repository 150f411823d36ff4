#!/usr/bin/env bash
# The downstream benchmark of issue #6 on SynthActions `standard`: the demo's
# story (tools/misc/run_demo.sh) on the 200 / 50 / 50 untrimmed videos of
# 20-90 s, with TSP without GVF as a fourth encoder and 3 localizer seeds.
#
# Budget for 2 CPU cores (about 1.5 h): the pretraining schedules are those
# of `small` (same epochs and rates) but the TAC initialisation sees each
# trimmed clip once an epoch (`small`: twice), the runs on the untrimmed
# split draw one clip per segment and epoch (`small`: 5) and validate on
# one, and the features are extracted every 32 sampled frames (2.1 s;
# `small`: 16) of the training and validation videos only (the localizer
# is tested on the validation subset). Override any of it through the
# environment variables of run_demo.sh.
# Resumable like the demo.
set -euo pipefail
cd "$(dirname "$0")/../.."
export PRESET=${PRESET:-standard}
export WORK=${WORK:-work_dirs/synthactions-$PRESET}
export SEEDS=${SEEDS:-3}
export NOGVF=${NOGVF:-1}
export LOC_CFG=${LOC_CFG:-configs/localizer/localizer-fpn1d_r2plus1d-18-w16_tsp-pre_1xb8-40e_synthactions-standard.py}
export EXTRACT_ARGS=${EXTRACT_ARGS:---stride 32}
export SUBSETS=${SUBSETS:-training validation}
export TAC_OPTS=${TAC_OPTS:-train_dataloader.dataset.times=1}
export TARGET_OPTS=${TARGET_OPTS:-train_dataloader.dataset.clips_per_segment=1 val_dataloader.dataset.clips_per_segment=1}
export PORT=${PORT:-29527}
exec bash tools/misc/run_demo.sh
