_base_ = ['./tsp_r2plus1d-34_k400-pre_2xb32-16x2-8e_activitynet.py']

# TSP without the global video feature (TSP Table 3): the region head on the
# local feature only. Head lr 0.004 (backbone 1e-4) as in the released
# r2plus1d_34-tsp_on_activitynet-no_gvf model.
model = dict(head=dict(with_gvf=False))
train_dataloader = dict(
    dataset=dict(gvf_file=None, pipeline=_base_.nogvf_train_pipeline))
val_dataloader = dict(
    dataset=dict(gvf_file=None, pipeline=_base_.nogvf_val_pipeline))
test_dataloader = val_dataloader
optim_wrapper = dict(
    optimizer=dict(lr=0.004),
    paramwise_cfg=dict(custom_keys={'backbone.': dict(lr_mult=0.025)}))
