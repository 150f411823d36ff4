# The SynthActions `small` localizer config on the `standard` split (200 /
# 50 / 50 videos of 20-90 s, up to 84 steps at stride 16), 8 videos per
# batch. Extract the features of data/synthactions-standard/untrimmed/videos
# as for `small` and override the three `features` paths. Training windows
# of 32 steps (the longest action is 19).
_base_ = ['./localizer-fpn1d_r2plus1d-18-w16_tsp-pre_1xb4-80e_synthactions-small.py']

data_root = 'data/synthactions-standard/untrimmed'
ann_file = f'{data_root}/annotations/synthactions.json'
class_index = f'{data_root}/annotations/class_index.json'
features = 'data/synthactions-standard/features/tsp'
train_dataloader = dict(
    batch_size=8,
    dataset=dict(ann_file=ann_file, class_index=class_index,
                 features=features, window_size=32))
val_dataloader = dict(
    dataset=dict(ann_file=ann_file, class_index=class_index,
                 features=features))
test_dataloader = dict(
    dataset=dict(ann_file=ann_file, class_index=class_index,
                 features=features))
