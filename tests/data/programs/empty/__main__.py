import pulumi


def main() -> None:
    pulumi.export("nothing", "here")
