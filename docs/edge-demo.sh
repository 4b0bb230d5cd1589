#!/usr/bin/env bash
# The seed outage on a laptop, end to end: s3front serve --storage (the local
# edge) in front of moto_server, an OAI distribution whose bucket default
# became SSE-KMS, a refused deploy, the OAC migration the fix describes, a
# deploy that is proven, and verify. Needs moto_server, the aws CLI, curl and
# s3front on PATH. Run from an empty directory.
set -euo pipefail
moto_server -H 127.0.0.1 -p 5055 >/dev/null 2>&1 & MOTO=$!
s3front serve --addr 127.0.0.1:4566 --storage http://127.0.0.1:5055 >/dev/null & EDGE=$!
trap 'kill $MOTO $EDGE' EXIT
sleep 3
export AWS_ENDPOINT_URL=http://127.0.0.1:4566 AWS_ACCESS_KEY_ID=admin AWS_SECRET_ACCESS_KEY=x \
  AWS_DEFAULT_REGION=us-east-1 AWS_PAGER= AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null
B=example-webapp-assets
aws s3 mb s3://$B >/dev/null
OAI=$(aws cloudfront create-cloud-front-origin-access-identity \
  --cloud-front-origin-access-identity-config CallerReference=oai,Comment=web \
  --query CloudFrontOriginAccessIdentity.Id --output text)
aws s3api put-bucket-policy --bucket $B --policy "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",
  \"Principal\":{\"AWS\":\"arn:aws:iam::cloudfront:user/CloudFront Origin Access Identity $OAI\"},
  \"Action\":\"s3:GetObject\",\"Resource\":\"arn:aws:s3:::$B/*\"}]}"
cat > dist.json <<JSON
{"CallerReference": "web", "Comment": "", "Enabled": true, "DefaultRootObject": "index.html",
 "Origins": {"Quantity": 1, "Items": [{"Id": "s3", "DomainName": "$B.s3.us-east-1.amazonaws.com",
   "S3OriginConfig": {"OriginAccessIdentity": "origin-access-identity/cloudfront/$OAI"}}]},
 "DefaultCacheBehavior": {"TargetOriginId": "s3", "ViewerProtocolPolicy": "redirect-to-https",
   "CachePolicyId": "658327ea-f89d-4fab-a63d-7e88639e58f6"}}
JSON
read DIST DOMAIN < <(aws cloudfront create-distribution --distribution-config file://dist.json \
  --query '[Distribution.Id,Distribution.DomainName]' --output text)
mkdir -p site && echo '<h1>v1</h1>' > site/index.html
aws s3 cp site/index.html s3://$B/index.html >/dev/null          # SSE-S3, served through the OAI
KEY=$(aws kms create-key --query KeyMetadata.Arn --output text)
aws s3api put-bucket-encryption --bucket $B --server-side-encryption-configuration \
  "{\"Rules\":[{\"ApplyServerSideEncryptionByDefault\":{\"SSEAlgorithm\":\"aws:kms\",\"KMSMasterKeyID\":\"$KEY\"},\"BucketKeyEnabled\":true}]}"
echo "console.log('v2')" > site/app.js

echo '$ curl -H "Host: '$DOMAIN'" http://127.0.0.1:4566/index.html'
curl -s -H "Host: $DOMAIN" http://127.0.0.1:4566/index.html
echo '$ s3front deploy site s3://'$B' --edge http://127.0.0.1:4566'
s3front deploy site s3://$B --edge http://127.0.0.1:4566 -q || echo "(exit $?)"

# Migrate to OAC, as the fix says.
OAC=$(aws cloudfront create-origin-access-control --origin-access-control-config \
  Name=web,SigningProtocol=sigv4,SigningBehavior=always,OriginAccessControlOriginType=s3 \
  --query OriginAccessControl.Id --output text)
aws s3api put-bucket-policy --bucket $B --policy "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",
  \"Principal\":{\"Service\":\"cloudfront.amazonaws.com\"},\"Action\":\"s3:GetObject\",\"Resource\":\"arn:aws:s3:::$B/*\",
  \"Condition\":{\"StringEquals\":{\"AWS:SourceArn\":\"arn:aws:cloudfront::123456789012:distribution/$DIST\"}}}]}"
aws kms put-key-policy --key-id $KEY --policy-name default --policy "{\"Version\":\"2012-10-17\",\"Statement\":[
  {\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"arn:aws:iam::123456789012:root\"},\"Action\":\"kms:*\",\"Resource\":\"*\"},
  {\"Effect\":\"Allow\",\"Principal\":{\"Service\":\"cloudfront.amazonaws.com\"},\"Action\":\"kms:Decrypt\",\"Resource\":\"*\",
   \"Condition\":{\"StringEquals\":{\"AWS:SourceArn\":\"arn:aws:cloudfront::123456789012:distribution/$DIST\"}}}]}"
ETAG=$(aws cloudfront get-distribution-config --id $DIST --query ETag --output text)
aws cloudfront get-distribution-config --id $DIST --query DistributionConfig > cfg.json
python3 -c "import json,sys; c=json.load(open('cfg.json')); o=c['Origins']['Items'][0]; o['S3OriginConfig']['OriginAccessIdentity']=''; o['OriginAccessControlId']='$OAC'; json.dump(c,open('cfg.json','w'))"
aws cloudfront update-distribution --id $DIST --if-match $ETAG --distribution-config file://cfg.json >/dev/null
echo '$ s3front deploy site s3://'$B' --edge http://127.0.0.1:4566 --wait'
s3front deploy site s3://$B --edge http://127.0.0.1:4566 --wait -q || echo "(exit $?)"
echo '$ s3front verify --distribution '$DIST' --edge http://127.0.0.1:4566'
s3front verify --distribution $DIST --edge http://127.0.0.1:4566 || echo "(exit $?)"
