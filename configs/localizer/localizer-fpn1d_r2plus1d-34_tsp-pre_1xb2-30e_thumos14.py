# FeaturePyramidLocalizer on THUMOS14 features of R(2+1)D-34 (512-d) at the
# TSP paper's THUMOS14 stride (a clip every sampled frame, 15 steps per
# second); training windows of 2304 steps, whole test videos; detection mAP
# at tIoU 0.3:0.1:0.7 (mAP@0.5 is the headline) and proposal AR@AN.
_base_ = [
    '../_base_/models/localizer-fpn1d.py',
    '../_base_/datasets/features_thumos14.py',
    '../_base_/schedules/adamw_warmup-cosine.py',
    '../_base_/default_runtime.py'
]

# Seven levels (strides 1 ... 64) so that the coarsest level sees actions of
# tens of seconds at 15 steps per second; 200 detections per video.
model = dict(
    in_channels=512, num_classes=20, embed_dims=256, num_levels=7,
    input_dropout=0.1,
    test_cfg=dict(max_per_video=200, pre_nms_topk=5000))

max_epochs = 30
train_cfg = dict(max_epochs=max_epochs, val_interval=5)
optim_wrapper = dict(optimizer=dict(lr=1e-4))
default_hooks = dict(
    logger=dict(interval=20),
    checkpoint=dict(interval=5, save_best='mAP@0.50', rule='greater',
                    max_keep_ckpts=1))
