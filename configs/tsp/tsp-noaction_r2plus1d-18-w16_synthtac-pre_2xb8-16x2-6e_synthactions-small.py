# TSP without the action-label head (TSP Table 2), as the official code
# builds it (train.py with --label-columns temporal-region-label): one fc
# F -> 2 on the local clip feature, without the GVF.
_base_ = ['./tsp_r2plus1d-18-w16_synthtac-pre_2xb8-16x2-6e_synthactions-small.py']

model = dict(head=dict(num_classes=None, with_gvf=False))
train_dataloader = dict(
    dataset=dict(gvf_file=None, pipeline=_base_.region_train_pipeline))
val_dataloader = dict(
    dataset=dict(gvf_file=None, pipeline=_base_.region_val_pipeline))
test_dataloader = val_dataloader
val_evaluator = dict(type='ClipAccuracy', tasks=('region', ))
test_evaluator = val_evaluator
