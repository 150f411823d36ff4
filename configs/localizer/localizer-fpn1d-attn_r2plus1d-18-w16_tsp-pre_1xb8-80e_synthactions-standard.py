# The attention variant on the SynthActions `standard` split: the `small`
# attention config's model with the data of
# localizer-fpn1d_r2plus1d-18-w16_tsp-pre_1xb8-80e_synthactions-standard.py
# (restated here, not inherited: `_base_` goes at most two levels deep).
_base_ = ['./localizer-fpn1d_r2plus1d-18-w16_tsp-pre_1xb4-80e_synthactions-small.py']

model = dict(
    block_type='attention',
    num_stem_convs=3,
    attn_cfg=dict(num_heads=4, window_size=9, mlp_ratio=4, path_drop=0.0))

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
