"""tsptools.evaluation: the functional code imports numpy only; the metrics
still register with the registry.

Each check runs in a new interpreter, since what counts is what a fresh
``import`` pulls in (the test session has long imported torch and mmengine).
"""
import subprocess
import sys
import textwrap

import pytest


def run_python(code):
    proc = subprocess.run([sys.executable, '-c', textwrap.dedent(code)],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout.strip().splitlines()[-1]  # mmengine logs to stdout


def test_functional_imports_neither_torch_nor_mmengine():
    out = run_python("""
        import sys
        import tsptools.evaluation.functional as F
        assert F.detection_map and F.load_ground_truth
        print(sorted(m for m in ('torch', 'mmengine',
                                 'tsptools.evaluation.metrics')
                     if m in sys.modules))
    """)
    assert out == '[]'


def test_metrics_build_through_the_registries_in_a_fresh_process():
    # tsptools' METRICS imports its location (tsptools.evaluation); the
    # Runner goes through mmengine's root registry in the tsptools scope.
    out = run_python("""
        from tsptools.registry import METRICS
        names = ['DetectionMAP', 'ProposalAR', 'ClipAccuracy',
                 'ContrastiveAccuracy']
        print([type(METRICS.build(dict(type=n))).__name__ for n in names])
    """)
    assert out == ("['DetectionMAP', 'ProposalAR', 'ClipAccuracy', "
                           "'ContrastiveAccuracy']")
    out = run_python("""
        from mmengine.evaluator import Evaluator
        from mmengine.registry import init_default_scope
        init_default_scope('tsptools')
        evaluator = Evaluator([dict(type='DetectionMAP', per_class=True),
                               dict(type='ProposalAR')])
        print([type(m).__module__ for m in evaluator.metrics])
    """)
    assert out == ("['tsptools.evaluation.metrics.detection_metric', "
                           "'tsptools.evaluation.metrics.proposal_metric']")


def test_register_all_modules_registers_the_metrics():
    out = run_python("""
        from tsptools.utils import register_all_modules
        register_all_modules()
        from tsptools.registry import METRICS
        print(sorted(METRICS.module_dict))
    """)
    assert out == ("['ClipAccuracy', 'ContrastiveAccuracy', "
                           "'DetectionMAP', 'ProposalAR']")


def test_metrics_are_attributes_of_the_package():
    import tsptools.evaluation as evaluation
    from tsptools.evaluation import metrics
    assert evaluation.DetectionMAP is metrics.DetectionMAP
    assert sorted(evaluation.__all__) == sorted(metrics.__all__)
    assert set(metrics.__all__) <= set(dir(evaluation))
    with pytest.raises(AttributeError, match='no attribute'):
        evaluation.NoSuchMetric


def test_metrics_build_after_the_functional_code_was_imported():
    run_python("""
        import tsptools.evaluation.functional
        from tsptools.registry import METRICS
        METRICS.build(dict(type='DetectionMAP'))
    """)
