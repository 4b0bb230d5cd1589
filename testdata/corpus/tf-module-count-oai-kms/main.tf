# Two regional copies of a marketing site, one module instance each (count).
# The module still uses an origin access identity, and the shared key was
# just set as default encryption: both sites break at the next upload.
provider "aws" {
  region = "us-east-1"
}

variable "sites" {
  type    = list(string)
  default = ["launch", "careers"]
}

resource "aws_kms_key" "shared" {
  description         = "marketing buckets"
  enable_key_rotation = true
}

module "site" {
  source  = "./modules/site"
  count   = length(var.sites)
  name    = var.sites[count.index]
  key_arn = aws_kms_key.shared.arn
}
