_base_ = ['./tsp_r2plus1d-34_k400-pre_2xb32-16x2-8e_activitynet.py']

# TSP with an average-pooled GVF (supplement A): tools/precompute_gvf.py --pool avg.
gvf_file = 'data/activitynet/gvf/r2plus1d-34_k400_avg.h5'
train_dataloader = dict(dataset=dict(gvf_file=gvf_file))
val_dataloader = dict(dataset=dict(gvf_file=gvf_file))
test_dataloader = val_dataloader
