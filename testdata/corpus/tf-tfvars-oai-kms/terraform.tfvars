region      = "ap-northeast-1"
bucket_name = "tokyo-storefront-assets"
use_kms     = true
