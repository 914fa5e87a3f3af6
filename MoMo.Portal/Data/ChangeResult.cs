namespace MoMo.Portal.Data;

/// <summary>The outcome of a change staff asked for: the changed thing, or what was wrong, keyed by field.</summary>
public sealed record ChangeResult<T>(T? Value, IReadOnlyDictionary<string, string> Errors) where T : class
{
    public bool Succeeded => Errors.Count == 0;

    public static ChangeResult<T> Success(T value) => new(value, new Dictionary<string, string>());

    public static ChangeResult<T> Failure(IReadOnlyDictionary<string, string> errors) => new(null, errors);

    public static ChangeResult<T> Failure(string field, string error) => Failure(new Dictionary<string, string> { [field] = error });
}
