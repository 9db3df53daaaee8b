/**
 * Posts, file infos and reactions as the server keeps and writes them (model post.go, post_metadata.go,
 * post_list.go, file_info.go, reaction.go).
 */
import { encode, goShape } from "./wire.js";

export interface PostRecord {
  id: string;
  create_at: number;
  update_at: number;
  edit_at: number;
  delete_at: number;
  is_pinned: boolean;
  user_id: string;
  channel_id: string;
  root_id: string;
  original_id: string;
  message: string;
  message_source: string;
  type: string;
  props: Record<string, unknown> | null;
  hashtags: string;
  file_ids: string[] | null;
  pending_post_id: string;
  has_reactions: boolean;
  /** A pointer: nil (left out) for local posts. */
  remote_id: string | null;
  reply_count: number;
  /** Filled from the thread only with collapsed threads; 0 in classic reads (and in the fake). */
  last_reply_at: number;
  /** Filled only with collapsed threads; nil (null) in classic reads. */
  participants: Record<string, unknown>[] | null;
  is_following: boolean | null;
  metadata: Record<string, unknown> | null;
}

const POST_COMMIT = "0075a909dd991ea61510a1668eb3a12e9f5686e0";

/** model.Post; its Filenames are json:"-". */
export const POST = goShape<PostRecord>("Post", "post.go", POST_COMMIT, [
  "id",
  "create_at",
  "update_at",
  "edit_at",
  "delete_at",
  "is_pinned",
  "user_id",
  "channel_id",
  "root_id",
  "original_id",
  "message",
  "message_source?",
  "type",
  "props",
  "hashtags",
  "file_ids",
  "pending_post_id",
  "has_reactions?",
  "remote_id*?",
  "reply_count",
  "last_reply_at",
  "participants",
  "is_following*?",
  "metadata*?",
]);

/** A new post after Post.PreSave and PreCommit (post.go): props and file_ids never nil. */
export function newPost(
  id: string,
  at: number,
  fields: Pick<PostRecord, "user_id" | "channel_id" | "message"> & Partial<PostRecord>,
): PostRecord {
  return {
    id,
    create_at: at,
    update_at: at,
    edit_at: 0,
    delete_at: 0,
    is_pinned: false,
    root_id: "",
    original_id: "",
    message_source: "",
    type: "",
    props: {},
    hashtags: "",
    file_ids: [],
    pending_post_id: "",
    has_reactions: false,
    remote_id: null,
    reply_count: 0,
    last_reply_at: 0,
    participants: null,
    is_following: null,
    metadata: null,
    ...fields,
  };
}

interface PostMetadataRecord {
  embeds: unknown[];
  emojis: unknown[];
  files: Record<string, unknown>[];
  images: Record<string, unknown>;
  reactions: Record<string, unknown>[];
  priority: Record<string, unknown> | null;
  acknowledgements: unknown[];
  expire_at: number;
}

export const POST_METADATA = goShape<PostMetadataRecord>(
  "PostMetadata",
  "post_metadata.go",
  "00ff81a55873a35b8384b92aab118741dc2584bf",
  ["embeds?", "emojis?", "files?", "images?", "reactions?", "priority*?", "acknowledgements?", "expire_at?"],
);

/**
 * The post as an answer shows it (app/post_metadata.go PreparePostForClient): metadata always set, with its files
 * and reactions; reply_count the thread's, on the root and on every reply, as the post store counts it.
 */
export function postJson(
  post: PostRecord,
  related: { files: FileInfoRecord[]; reactions: ReactionRecord[]; replyCount: number },
): Record<string, unknown> {
  const metadata = encode(POST_METADATA, {
    embeds: [],
    emojis: [],
    files: related.files.map(fileInfoJson),
    images: {},
    reactions: related.reactions.map(reactionJson),
    priority: null,
    acknowledgements: [],
    expire_at: 0,
  });
  return encode(POST, {
    ...post,
    has_reactions: related.reactions.length > 0,
    reply_count: related.replyCount,
    metadata,
  });
}

interface PostListRecord {
  order: string[];
  posts: Record<string, Record<string, unknown>>;
  next_post_id: string;
  prev_post_id: string;
  has_next: boolean | null;
  first_inaccessible_post_time: number;
  next_cursor: string;
}

export const POST_LIST = goShape<PostListRecord>(
  "PostList",
  "post_list.go",
  "3364621a6a2c09bb9f540169d29dfe7e26a48a68",
  ["order", "posts", "next_post_id", "prev_post_id", "has_next*?", "first_inaccessible_post_time", "next_cursor?"],
);

/** A PostList; `hasNext` null (left out) where the server does not page, as for a thread. */
export function postListJson(
  order: string[],
  posts: Record<string, Record<string, unknown>>,
  cursor: { next: string; prev: string; hasNext: boolean | null },
): Record<string, unknown> {
  return encode(POST_LIST, {
    order,
    posts,
    next_post_id: cursor.next,
    prev_post_id: cursor.prev,
    has_next: cursor.hasNext,
    first_inaccessible_post_time: 0,
    next_cursor: "",
  });
}

export interface FileInfoRecord {
  id: string;
  user_id: string;
  /** "" (left out) until the file is attached to a post. */
  post_id: string;
  channel_id: string;
  create_at: number;
  update_at: number;
  delete_at: number;
  name: string;
  extension: string;
  size: number;
  mime_type: string;
  width: number;
  height: number;
  has_preview_image: boolean;
  /** *[]byte, base64 in JSON: the server makes a tiny JPEG for images; the fake has none (nil, null). */
  mini_preview: string | null;
  remote_id: string | null;
  archived: boolean;
  extra_info: string;
}

/** model.FileInfo; Path, ThumbnailPath, PreviewPath and Content are json:"-". */
export const FILE_INFO = goShape<FileInfoRecord>(
  "FileInfo",
  "file_info.go",
  "0232f2ef65818819b493cd678236379a79d01643",
  [
    "id",
    "user_id",
    "post_id?",
    "channel_id",
    "create_at",
    "update_at",
    "delete_at",
    "name",
    "extension",
    "size",
    "mime_type",
    "width?",
    "height?",
    "has_preview_image?",
    "mini_preview*",
    "remote_id*",
    "archived",
    "extra_info?",
  ],
);

/** A new file info after FileInfo.PreSave (file_info.go): remote_id a pointer to "". */
export function newFileInfo(
  id: string,
  at: number,
  fields: Pick<FileInfoRecord, "user_id" | "channel_id" | "name" | "extension" | "size" | "mime_type"> &
    Partial<FileInfoRecord>,
): FileInfoRecord {
  return {
    id,
    post_id: "",
    create_at: at,
    update_at: at,
    delete_at: 0,
    width: 0,
    height: 0,
    has_preview_image: false,
    mini_preview: null,
    remote_id: "",
    archived: false,
    extra_info: "",
    ...fields,
  };
}

export const fileInfoJson = (info: FileInfoRecord) => encode(FILE_INFO, info);

export interface ReactionRecord {
  user_id: string;
  post_id: string;
  emoji_name: string;
  create_at: number;
  update_at: number;
  delete_at: number;
  remote_id: string | null;
  channel_id: string;
}

export const REACTION = goShape<ReactionRecord>("Reaction", "reaction.go", "021a50d712f61a763cc4642b1e70687708fd2b29", [
  "user_id",
  "post_id",
  "emoji_name",
  "create_at",
  "update_at",
  "delete_at",
  "remote_id*",
  "channel_id",
]);

/** A new reaction after Reaction.PreSave (reaction.go): remote_id a pointer to "". */
export function newReaction(
  at: number,
  fields: Pick<ReactionRecord, "user_id" | "post_id" | "emoji_name" | "channel_id">,
) {
  const reaction: ReactionRecord = { create_at: at, update_at: at, delete_at: 0, remote_id: "", ...fields };
  return reaction;
}

export const reactionJson = (reaction: ReactionRecord) => encode(REACTION, reaction);
