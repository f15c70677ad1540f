// The JS SDK against a test server (path style, any credentials: auth is off), and what tests ask of its answers.
import { GetObjectCommand, S3Client } from "@aws-sdk/client-s3";

export const sdkClient = (url: string): S3Client =>
  new S3Client({ endpoint: url, region: "us-east-1", forcePathStyle: true, credentials: { accessKeyId: "x", secretAccessKey: "x" } });

/** An object's bytes as text. */
export const objectText = async (s3: S3Client, bucket: string, key: string): Promise<string> =>
  (await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }))).Body!.transformToString();

export interface SdkFailure {
  name: string;
  message: string;
  $metadata: { httpStatusCode: number };
}

/** The error a request failed with, or undefined when it succeeded. */
export const failure = (p: Promise<unknown>): Promise<SdkFailure | undefined> => p.then(() => undefined, (err) => err as SdkFailure);
