# The root calls a "site" module, which calls a "storage" module for the
# bucket and its key and wires the distribution to it. Everything is
# correct: OAC, a key policy scoped to the distribution, a bucket policy
# scoped to it.
provider "aws" {
  region = "eu-west-1"
}

module "site" {
  source = "./modules/site"
  name   = "handbook"
}
