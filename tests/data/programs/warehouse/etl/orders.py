import sys

from awsglue.context import GlueContext
from awsglue.utils import getResolvedOptions
from pyspark.context import SparkContext

args = getResolvedOptions(sys.argv, ["SOURCE", "TARGET"])
glue = GlueContext(SparkContext.getOrCreate())
frame = glue.create_dynamic_frame.from_options("s3", {"paths": [args["SOURCE"]]}, format="json")
glue.write_dynamic_frame.from_options(frame, "s3", {"path": args["TARGET"]}, format="parquet")
