"""Training side of the learned labeller: synthetic corpus, training, export, calibration.

Needs the ``train`` extra (torch, transformers, datasets, seqeval, scikit-learn, onnx);
the inference side (``govreport.labelling``) needs none of it.
"""
