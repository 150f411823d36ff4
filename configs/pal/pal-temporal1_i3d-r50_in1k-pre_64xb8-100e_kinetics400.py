# Table 4: 1 temporal embedding layer (receptive field 3 clips);
# PAL uses 2.
_base_ = ['./pal_i3d-r50_in1k-pre_64xb8-100e_kinetics400.py']

model = dict(head=dict(num_layers=1))
