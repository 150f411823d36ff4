# The ActionFormer-style variant of the SynthActions `small` localizer: the
# same recipe (localizer-fpn1d_..._1xb4-80e_synthactions-small.py) with
# local self-attention blocks (window 9 steps, 4 heads) in place of the
# residual convolutions after the input embedding, as ActionFormer's
# transformer pyramid (its embedding and heads are convolutions too). A
# second, established localizer design so that no benchmark result rests
# on one home-made model.
_base_ = ['./localizer-fpn1d_r2plus1d-18-w16_tsp-pre_1xb4-80e_synthactions-small.py']

model = dict(
    block_type='attention',
    num_stem_convs=3,
    attn_cfg=dict(num_heads=4, window_size=9, mlp_ratio=4, path_drop=0.0))
