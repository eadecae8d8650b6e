package thelook.streams.serving;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Opaque page cursors: where the last page ended (the index entry of its last row) with the listing,
 * sort and order it belongs to, signed with HMAC-SHA256 under a key derived from the application id
 * (and the API token, when set), so that every instance of the application accepts the cursors of the
 * others and a forged or truncated one is refused. A cursor names a position in the sort order, not a
 * partition or an offset, so it survives instances coming and going.
 */
final class Cursors {
    private static final int MAC_BYTES = 16;
    private static final byte VERSION = 1;

    private final SecretKeySpec key;

    Cursors(String applicationId, String token) {
        try {
            byte[] secret = MessageDigest.getInstance("SHA-256").digest(("thelook-streams cursor:" + applicationId + ":"
                    + (token == null ? "" : token)).getBytes(StandardCharsets.UTF_8));
            this.key = new SecretKeySpec(secret, "HmacSHA256");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    /** {@code scope}: what the cursor may be used for (listing, sort, order, user); {@code entry}: where the page ended. */
    String encode(String scope, byte[] entry) {
        byte[] scopeBytes = scope.getBytes(StandardCharsets.UTF_8);
        ByteBuffer body = ByteBuffer.allocate(2 + scopeBytes.length + entry.length);
        body.put(VERSION).put((byte) scopeBytes.length).put(scopeBytes).put(entry);
        byte[] mac = mac(body.array());
        byte[] out = Arrays.copyOf(body.array(), body.capacity() + MAC_BYTES);
        System.arraycopy(mac, 0, out, body.capacity(), MAC_BYTES);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(out);
    }

    /** The position after which the next page starts; 400 for anything this application did not sign for {@code scope}. */
    byte[] decode(String cursor, String scope) {
        byte[] raw;
        try {
            raw = Base64.getUrlDecoder().decode(cursor);
        } catch (IllegalArgumentException e) {
            throw ApiError.badRequest("cursor is not one of ours (not base64url)");
        }
        if (raw.length < 2 + MAC_BYTES || raw[0] != VERSION) {
            throw ApiError.badRequest("cursor is not one of ours");
        }
        byte[] body = Arrays.copyOf(raw, raw.length - MAC_BYTES);
        byte[] given = Arrays.copyOfRange(raw, raw.length - MAC_BYTES, raw.length);
        if (!MessageDigest.isEqual(Arrays.copyOf(mac(body), MAC_BYTES), given)) {
            throw ApiError.badRequest("cursor is not one of ours (its signature does not match)");
        }
        int scopeLength = body[1] & 0xFF;
        if (2 + scopeLength > body.length) {
            throw ApiError.badRequest("cursor is not one of ours");
        }
        String cursorScope = new String(body, 2, scopeLength, StandardCharsets.UTF_8);
        if (!cursorScope.equals(scope)) {
            throw ApiError.badRequest("this cursor belongs to another listing, sort or order (" + cursorScope + "), not " + scope);
        }
        return Arrays.copyOfRange(body, 2 + scopeLength, body.length);
    }

    private byte[] mac(byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            return mac.doFinal(body);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is missing from this JVM", e);
        }
    }
}
