# TSP without the action-label head (TSP Table 2): only the temporal-region
# head, with the GVF.
_base_ = ['./tsp_r2plus1d-18-w16_synthtac-pre_2xb8-16x2-6e_synthactions-small.py']

model = dict(head=dict(num_classes=None))
val_evaluator = dict(type='ClipAccuracy', tasks=('region', ))
test_evaluator = val_evaluator
