SIZES = {"small": "t3.small", "large": "m5.large"}


def instance_type(size: str) -> str:
    return SIZES[size]
