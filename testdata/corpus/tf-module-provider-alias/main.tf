# The site module is instantiated for a second Region through a provider
# alias passed with providers = { aws = aws.frankfurt }. Bucket and key are
# both created by that provider, so they share a Region.
provider "aws" {
  region = "us-east-1"
}

provider "aws" {
  alias  = "frankfurt"
  region = "eu-central-1"
}

module "eu" {
  source = "./modules/site"
  name   = "eu-shop-assets"
  providers = {
    aws = aws.frankfurt
  }
}
