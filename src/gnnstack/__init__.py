"""gnnstack: cost-aware Pulumi scenarios for graph analytics and GNN fraud detection on AWS."""

__version__ = "0.1.0"
