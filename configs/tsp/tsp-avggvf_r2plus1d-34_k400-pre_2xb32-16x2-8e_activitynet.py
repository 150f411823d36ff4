_base_ = ['./tsp_r2plus1d-34_k400-pre_2xb32-16x2-8e_activitynet.py']

# TSP with an average-pooled GVF (supplement A): tools/precompute_gvf.py
# --pool avg. Head lr 0.004 (backbone 1e-4) as in the released
# r2plus1d_34-tsp_on_activitynet-avg_gvf model.
gvf_file = 'data/activitynet/gvf/r2plus1d-34_k400_avg.h5'
train_dataloader = dict(dataset=dict(gvf_file=gvf_file))
val_dataloader = dict(dataset=dict(gvf_file=gvf_file))
test_dataloader = val_dataloader
optim_wrapper = dict(
    optimizer=dict(lr=0.004),
    paramwise_cfg=dict(custom_keys={'backbone.': dict(lr_mult=0.025)}))
