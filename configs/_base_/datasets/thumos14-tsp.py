# thumos14 clips for TSP, read from the official TSP annotation CSVs (copies in
# ../shared/data/tsp_official/ or github.com/HumamAlwassel/TSP/data): the
# ActivityNet settings (transforms, 5 clips per segment, loaders) with the
# THUMOS14 files — training on its validation videos, testing on its test
# videos, as TSP does — and the THUMOS14 extraction stride. Videos must be
# re-encoded to 30 fps mp4 (docs/en/user_guides/data_preparation.md). The GVF
# file comes from tools/precompute_gvf.py with the initial encoder.
_base_ = ['./activitynet-tsp.py']

data_root = 'data/thumos14'
ann_dir = f'{data_root}/annotations'
video_dir = f'{data_root}/videos'
gvf_file = f'{data_root}/gvf/r2plus1d-34_k400_max.h5'
action_label_mapping = f'{ann_dir}/thumos14_action_label_mapping.json'

train_dataloader = dict(
    dataset=dict(
        ann_file=f'{ann_dir}/thumos14_valid_tsp_groundtruth.csv',
        data_prefix=dict(video=video_dir),
        action_label_mapping=action_label_mapping,
        gvf_file=gvf_file))
val_dataloader = dict(
    dataset=dict(
        ann_file=f'{ann_dir}/thumos14_test_tsp_groundtruth.csv',
        data_prefix=dict(video=video_dir),
        action_label_mapping=action_label_mapping,
        gvf_file=gvf_file))
test_dataloader = val_dataloader

# Official TSP extraction for THUMOS14: clip starts every sampled frame
# (ActivityNet: every 16).
extract_cfg = dict(stride=1)
