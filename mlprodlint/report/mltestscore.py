"""The 28 tests of the ML Test Score rubric (Breck et al., "The ML Test Score: A Rubric for ML
Production Readiness and Technical Debt Reduction", IEEE Big Data 2017). Rules cite them by id."""

from __future__ import annotations

SECTIONS = (
    ("data", "Features and data"),
    ("model", "Model development"),
    ("infra", "ML infrastructure"),
    ("monitor", "Monitoring"),
)

TESTS: tuple[tuple[str, str], ...] = (
    ("data-1", "Feature expectations are captured in a schema"),
    ("data-2", "All features are beneficial"),
    ("data-3", "No feature's cost is too much"),
    ("data-4", "Features adhere to meta-level requirements"),
    ("data-5", "The data pipeline has appropriate privacy controls"),
    ("data-6", "New features can be added quickly"),
    ("data-7", "All input feature code is tested"),
    ("model-1", "Model specs are reviewed and submitted"),
    ("model-2", "Offline and online metrics correlate"),
    ("model-3", "All hyperparameters have been tuned"),
    ("model-4", "The impact of model staleness is known"),
    ("model-5", "A simpler model is not better"),
    ("model-6", "Model quality is sufficient on important data slices"),
    ("model-7", "The model is tested for considerations of inclusion"),
    ("infra-1", "Training is reproducible"),
    ("infra-2", "Model specs are unit tested"),
    ("infra-3", "The ML pipeline is integration tested"),
    ("infra-4", "Model quality is validated before serving"),
    ("infra-5", "The model is debuggable"),
    ("infra-6", "Models are canaried before serving"),
    ("infra-7", "Serving models can be rolled back"),
    ("monitor-1", "Dependency changes result in notification"),
    ("monitor-2", "Data invariants hold for inputs"),
    ("monitor-3", "Training and serving are not skewed"),
    ("monitor-4", "Models are not too stale"),
    ("monitor-5", "Models are numerically stable"),
    ("monitor-6", "Computing performance has not regressed"),
    ("monitor-7", "Prediction quality has not regressed"),
)
