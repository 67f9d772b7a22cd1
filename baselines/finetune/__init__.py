"""Fine-tuned transformers trained with the ``transformers`` Trainer.

Each trainer runs unchanged in one process, under ``accelerate launch`` or ``torchrun``
(several CPU processes with gloo, or GPUs with NCCL): the Trainer shards the batches, and
only the main process writes predictions and results.
"""

from transformers.utils import logging as _logging

_logging.set_verbosity_error()
_logging.disable_progress_bar()
