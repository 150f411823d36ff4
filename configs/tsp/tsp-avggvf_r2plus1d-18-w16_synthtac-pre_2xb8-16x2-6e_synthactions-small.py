# TSP with an average-pooled GVF (TSP supplement A) instead of max-pooled:
# make it with tools/precompute_gvf.py --pool avg.
_base_ = ['./tsp_r2plus1d-18-w16_synthtac-pre_2xb8-16x2-6e_synthactions-small.py']

gvf_file = 'data/synthactions-small/gvf/tac_r2plus1d-18-w16_avg.h5'
train_dataloader = dict(dataset=dict(gvf_file=gvf_file))
val_dataloader = dict(dataset=dict(gvf_file=gvf_file))
test_dataloader = val_dataloader
