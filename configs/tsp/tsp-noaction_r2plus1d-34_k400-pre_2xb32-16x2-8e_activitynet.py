_base_ = ['./tsp_r2plus1d-34_k400-pre_2xb32-16x2-8e_activitynet.py']

# TSP without the action-label head (TSP Table 2): region head with GVF only.
model = dict(head=dict(num_classes=None))
val_evaluator = dict(type='ClipAccuracy', tasks=('region', ))
test_evaluator = val_evaluator
