/**
 * Errors the fake server answers with: Mattermost AppErrors ({id, message, detailed_error, request_id,
 * status_code}, model/utils.go) with the ids and statuses the real server uses; each constant names where the real
 * server raises it.
 */
export class AppErrorReply extends Error {
  constructor(
    readonly status: number,
    readonly id: string,
    message: string,
    readonly detailed = "",
  ) {
    super(message);
  }

  body(requestId: string): Record<string, unknown> {
    return {
      id: this.id,
      message: this.message,
      detailed_error: this.detailed,
      request_id: requestId,
      status_code: this.status,
    };
  }
}

const err =
  (status: number, id: string, message: string) =>
  (detailed = "") =>
    new AppErrorReply(status, id, message, detailed);

export const Errors = {
  // web/handlers.go: a route that needs a session, without a valid one.
  sessionExpired: err(401, "api.context.session_expired.app_error", "Invalid or expired session, please login again."),
  // api4/user.go login -> app/login.go AuthenticateUserForLogin
  invalidCredentials: err(
    401,
    "api.user.login.invalid_credentials_email_username",
    "Enter a valid email or username and/or password.",
  ),
  // app/authentication.go CheckUserMfa (authenticateUser makes it 401): MFA active and no code, or a wrong code.
  mfaMissing: err(401, "mfa.validate_token.authenticate.app_error", "Invalid MFA token."),
  mfaBadCode: err(401, "api.user.check_user_mfa.bad_code.app_error", "Invalid MFA token."),
  // web/context.go SetPermissionError
  permissions: (permission: string) =>
    new AppErrorReply(
      403,
      "api.context.permissions.app_error",
      "You do not have the appropriate permissions.",
      `userId=..., permission=${permission}`,
    ),
  // web/context.go SetInvalidURLParam / SetInvalidParam
  invalidUrlParam: (name: string) =>
    new AppErrorReply(
      400,
      "api.context.invalid_url_param.app_error",
      `Invalid or missing ${name} parameter in request URL.`,
    ),
  invalidBodyParam: (name: string) =>
    new AppErrorReply(400, "api.context.invalid_body_param.app_error", `Invalid or missing ${name} in request body.`),
  // web/web.go Handle404
  notFound: (path: string) =>
    new AppErrorReply(
      404,
      "api.context.404.app_error",
      "Sorry, we could not find the page.",
      `There doesn't appear to be an api call for the url='${path}'.  Typo? are you missing a team_id or user_id as part of the url?`,
    ),
  // store/sqlstore/team_store.go Save: unique name violated
  teamExists: err(400, "store.sql_team.save_team.existing.app_error", "A team with this URL already exists."),
  // model/team.go IsValid: name characters, and display name
  teamNameInvalid: err(
    400,
    "model.team.is_valid.characters.app_error",
    "Name must be 2 or more lowercase alphanumeric characters.",
  ),
  teamDisplayNameInvalid: err(400, "model.team.is_valid.name.app_error", "Invalid name."),
  teamTypeInvalid: err(400, "model.team.is_valid.type.app_error", "Invalid type."),
  // store/sqlstore/team_store.go GetByName / Get
  teamByNameMissing: err(404, "app.team.get_by_name.missing.app_error", "Unable to find the existing team."),
  teamMissing: err(404, "app.team.get.find.app_error", "Unable to find the existing team."),
  // store/sqlstore/channel_store.go Save: unique (team, name) violated
  channelExists: err(
    400,
    "store.sql_channel.save_channel.exists.app_error",
    "A channel with that name already exists on the same team.",
  ),
  // model/channel.go IsValid
  channelNameInvalid: err(400, "model.channel.is_valid.name.app_error", "Invalid channel name."),
  // app/channel.go GetChannelByName / GetChannel
  channelByNameMissing: err(404, "app.channel.get_by_name.missing.app_error", "Channel does not exist."),
  channelMissing: err(404, "app.channel.get.existing.app_error", "Unable to find the existing channel."),
  // api4/report.go getPostsForReporting (ids from the handler; the English texts are ours, not read from en.json)
  reportChannelMissing: err(404, "api.post.get_posts_for_reporting.channel_not_found", "Channel not found."),
  reportPerPage: err(400, "api.post.get_posts_for_reporting.invalid_per_page", "Invalid per_page parameter."),
  // app/user.go GetUser / GetUserByUsername
  userMissing: err(404, "app.user.missing_account.const", "Unable to find the user."),
  userByUsernameMissing: err(
    404,
    "app.user.get_by_username.app_error",
    "Unable to find an existing account matching your username for this team. This team may require an invite from the team owner to join.",
  ),
  // app/channel.go createDirectChannel
  directInvalidUser: err(
    400,
    "api.channel.create_direct_channel.invalid_user.app_error",
    "Invalid user ID for direct channel creation.",
  ),
  // store/sqlstore/user_store.go Save: username / email taken
  usernameExists: err(400, "app.user.save.username_exists.app_error", "An account with that username already exists."),
  emailExists: err(400, "app.user.save.email_exists.app_error", "An account with that email already exists."),
  // app/post.go GetSinglePost
  postMissing: err(404, "app.post.get.app_error", "Unable to get the post."),
  // app/file.go GetFileInfo
  fileMissing: err(404, "app.file_info.get.app_error", "Unable to get the file info."),
  // api4/file.go getFileThumbnail: the file has no thumbnail (not an image)
  noThumbnail: err(400, "api.file.get_file_thumbnail.no_thumbnail.app_error", "File doesn't have a thumbnail image."),
  noPreview: err(400, "api.file.get_file_preview.no_preview.app_error", "File doesn't have a preview image."),
  // api4/file.go uploadFileStream: too many / too few client_ids
  clientIdsMismatch: err(
    400,
    "api.file.upload_file.incorrect_number_of_client_ids.app_error",
    "Unable to upload file(s). Have {{.NumClientIds}} client_ids for {{.NumFiles}} files.",
  ),
  // api4/file.go parseMultipartRequestHeader
  noChannelId: err(
    400,
    "api.file.upload_file.incorrect_channelId.app_error",
    "Unable to upload the file. Incorrect channel ID: {{.channelId}}",
  ),
  // api4/reaction.go saveReaction
  reactionInvalid: err(400, "api.reaction.save_reaction.invalid.app_error", "Reaction is not valid."),
  reactionOtherUser: err(
    403,
    "api.reaction.save_reaction.user_id.app_error",
    "You cannot save reaction for the other user.",
  ),
  // app/reaction.go DeleteReactionForPost: not there
  reactionMissing: err(404, "app.reaction.get_for_post.app_error", "Unable to get reactions for post."),
  // model/bot.go MakeBotNotFoundError (bot.go 0e1dc0e7b99cac833fe841d9ce1900c575caf8f8), from app/bot.go GetBot
  // (the English text is ours, not read from en.json)
  botMissing: err(404, "store.sql_bot.get.missing.app_error", "Unable to find the existing bot."),
  // app/user_access_token.go
  tokenMissing: err(404, "app.user_access_token.get_by_user.app_error", "Unable to get user access tokens."),
};
