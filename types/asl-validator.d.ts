// asl-validator ships no types; this is the part its README documents.
declare module 'asl-validator' {
  type Result = {
    isValid: boolean;
    errors: unknown[];
    errorsText: (separator?: string) => string;
  };
  export default function aslValidator(
    definition: unknown,
    options?: { checkPaths?: boolean; checkArn?: boolean },
  ): Result;
}
