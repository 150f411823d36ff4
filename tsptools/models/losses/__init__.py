from .infonce_loss import InfoNCELoss

__all__ = ['InfoNCELoss']
