using System.Security.Cryptography;
using Metrocircle.Core.Audit;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Crypto.Signers;

namespace Metrocircle.Cli;

/// <summary>
/// The Ed25519 key that signs audit checkpoints. A private key file holds the 32-byte seed in base64 on one line; its
/// public key (<c>FILE.pub</c>) holds the 32-byte public key in base64. .NET 10 has no Ed25519 of its own, so the
/// arithmetic is BouncyCastle's (managed code, the same on every platform).
/// </summary>
internal static class AuditKeys
{
    public const string Variable = "METROCIRCLE_AUDIT_KEY";

    private const string HowToMake = "make one with: metrocircle audit-log keygen --out audit-key, then set " + Variable + "=audit-key";

    public static (byte[] Seed, byte[] PublicKey) Generate()
    {
        var seed = RandomNumberGenerator.GetBytes(Ed25519PrivateKeyParameters.KeySize);
        return (seed, new Ed25519PrivateKeyParameters(seed).GeneratePublicKey().GetEncoded());
    }

    public static string KeyId(byte[] publicKey) => "ed25519:" + Convert.ToHexStringLower(SHA256.HashData(publicKey))[..16];

    /// <summary>The signing key from <c>--key</c> or <see cref="Variable"/>: a private key file, or the seed itself in base64.</summary>
    public static async Task<Ed25519PrivateKeyParameters> LoadPrivateAsync(string? option, CancellationToken ct)
    {
        var (value, source) = option is not null ? (option, "--key") : (Environment.GetEnvironmentVariable(Variable), Variable);
        if (string.IsNullOrWhiteSpace(value))
        {
            throw new CommandException($"no key to sign audit checkpoints: set {Variable} to a private key file or its base64 seed (or pass --key FILE); {HowToMake}");
        }

        var seed = File.Exists(value)
            ? Decode((await File.ReadAllTextAsync(value, ct)).Trim(), Ed25519PrivateKeyParameters.KeySize, $"the private key file {value}")
            : Decode(value.Trim(), Ed25519PrivateKeyParameters.KeySize, $"{source} (not a file, nor a base64 Ed25519 seed)");
        return new Ed25519PrivateKeyParameters(seed);
    }

    /// <summary>A public key given as a <c>.pub</c> file or in base64.</summary>
    public static async Task<byte[]> LoadPublicAsync(string value, CancellationToken ct) => File.Exists(value)
        ? Decode((await File.ReadAllTextAsync(value, ct)).Trim(), Ed25519PublicKeyParameters.KeySize, $"the public key file {value}")
        : Decode(value.Trim(), Ed25519PublicKeyParameters.KeySize, "--public-key (not a file, nor a base64 Ed25519 public key)");

    public static AuditCheckpoint Sign(Ed25519PrivateKeyParameters key, long sequence, string headHash, DateTimeOffset at)
    {
        var publicKey = key.GeneratePublicKey().GetEncoded();
        var keyId = KeyId(publicKey);
        var signer = new Ed25519Signer();
        signer.Init(true, key);
        var message = AuditCheckpoint.SignedBytes(sequence, headHash, at, keyId);
        signer.BlockUpdate(message, 0, message.Length);
        return new AuditCheckpoint(sequence, headHash, at, keyId, Convert.ToBase64String(publicKey), Convert.ToBase64String(signer.GenerateSignature()));
    }

    /// <summary>Whether the checkpoint was signed by <paramref name="publicKey"/> and not altered since.</summary>
    public static bool Verify(AuditCheckpoint checkpoint, byte[] publicKey)
    {
        byte[] signature;
        try
        {
            signature = Convert.FromBase64String(checkpoint.Signature);
        }
        catch (FormatException)
        {
            return false;
        }

        if (signature.Length != Ed25519PrivateKeyParameters.SignatureSize || checkpoint.KeyId != KeyId(publicKey))
        {
            return false;
        }

        var verifier = new Ed25519Signer();
        verifier.Init(false, new Ed25519PublicKeyParameters(publicKey));
        var message = checkpoint.SignedBytes();
        verifier.BlockUpdate(message, 0, message.Length);
        return verifier.VerifySignature(signature);
    }

    private static byte[] Decode(string base64, int size, string what)
    {
        try
        {
            var bytes = Convert.FromBase64String(base64);
            if (bytes.Length == size)
            {
                return bytes;
            }
        }
        catch (FormatException)
        {
        }

        throw new CommandException($"{what} does not hold a {size}-byte Ed25519 key in base64; {HowToMake}");
    }
}
