# Shell functions shared by the SynthActions scripts (run_demo.sh,
# run_synthactions_papers_table.sh); source it after setting NPROC, SEED
# and PYTHON.

# best WORK_DIR [METRIC]: the best checkpoint of a work dir (by METRIC,
# default mean_acc), as the stable path WORK_DIR/best.pth
best() {
    local ckpt metric=${2:-mean_acc}
    ckpt=$(ls -t "$1"/best_"${metric}"_epoch_*.pth 2>/dev/null | head -n1)
    [ -n "$ckpt" ] || { echo "no best checkpoint in $1" >&2; exit 1; }
    ln -sf "$(basename "$ckpt")" "$1/best.pth"
    echo "$1/best.pth"
}

# max_epochs CONFIG [cfg-options...]: the config's epochs, or the override's
max_epochs() {
    local config=$1 epochs opt; shift
    epochs=$("$PYTHON" -c "from mmengine.config import Config; print(Config.fromfile('$config').train_cfg.max_epochs)")
    for opt in "$@"; do
        case $opt in train_cfg.max_epochs=*) epochs=${opt#*=} ;; esac
    done
    echo "$epochs"
}

# train CONFIG WORK_DIR [cfg-options...]: NPROC processes, seed SEED; skip
# when finished, resume if cut
train() {
    local config=$1 work_dir=$2; shift 2
    local epochs
    epochs=$(max_epochs "$config" "$@")
    if [ -f "$work_dir/epoch_$epochs.pth" ]; then
        echo "already trained: $work_dir"; return
    fi
    local resume=()
    if ls "$work_dir"/epoch_*.pth >/dev/null 2>&1; then resume=(--resume); fi
    PORT=${PORT:-29517} bash tools/dist_train.sh "$config" "$NPROC" \
        --work-dir "$work_dir" --seed "$SEED" "${resume[@]}" \
        --cfg-options "$@"
}
