# Table 4: 0 temporal embedding layers (receptive field 1 clip);
# PAL uses 2.
_base_ = ['./pal_i3d-r50_in1k-pre_64xb8-100e_kinetics400.py']

model = dict(head=dict(num_layers=0))
